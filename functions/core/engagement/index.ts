/** The engagement capability's public face: click links, the redirect, click counting, and the sunset pass. */
export { CLICK_PATH, clickLinkData, type ClickLinkReader, clickUrl } from './click-links.ts';
export { type ClickClaims, openClick, sealClick, storyTag } from './click-token.ts';
export { BURST_WINDOW_MS, CLICK_MARKER_TTL_SECONDS, type ClickCount, countClick, type CountClickDeps, messageKey } from './count-click.ts';
export { ClickTargetNotFoundError } from './errors.ts';
export { type ClickDisposition, type FollowClickDeps, type FollowedClick, followClick, MIN_CLICK_DELAY_MS } from './follow-click.ts';
export type { ClickCounter, ClickMarkers, ClickMessage, ClickQueue, MarkedClick, ReaderEngagement, StoryClick } from './ports.ts';
export { CLICK_FLEET } from './click-fleet.ts';
