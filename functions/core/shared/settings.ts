/** Product settings core needs, already validated by the config adapter. */
export interface Settings {
  /** Base URL for links in emails and pages, no trailing slash. */
  publicUrl: string;
  mailFrom: string;
  tokenSecret: string;
  digestName: string;
  maxStories: number;
  /** Where readers' replies go (a Reply-To header on digests); without it, to the From address. */
  replyTo?: string;
  /** Story links in digests go through the click redirect (CLICK_TRACKING, on unless `off`); unset: straight to the article. */
  clickTracking?: boolean;
}

export function linkTo(settings: Pick<Settings, 'publicUrl'>, path: string, token?: string): string {
  const url = `${settings.publicUrl}${path}`;
  return token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`;
}
