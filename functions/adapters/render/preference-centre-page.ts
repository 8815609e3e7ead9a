/** The preference centre as the api-preferences handler answers it: core's view of a reader's link, in the page layout. */
import { z } from 'zod';
import type { FieldIssue } from '../../core/shared/index.ts';
import { preferenceCentreView, type Preferences } from '../../core/subscribers/index.ts';
import { type PageSite, preferencesPage } from './pages.ts';

type ViewDeps = Parameters<typeof preferenceCentreView>[2];

/** Notices after a redirect, by name, so no text from the URL reaches the page. */
const NOTICES = { 'signed-out': 'Done: older links to this page no longer work. Use this page or your next digest.' } as const;
export type PreferenceNotice = keyof typeof NOTICES;
const noticeSchema = z
  .enum(Object.keys(NOTICES) as [PreferenceNotice])
  .optional()
  .catch(undefined);

/** The notice a `done=` query value names; nothing for any other value. */
export function noticeNamed(value: string | undefined): string | undefined {
  const name = noticeSchema.parse(value);
  return name && NOTICES[name];
}

export async function preferenceCentrePage(
  deps: ViewDeps & { site: PageSite },
  token: string | undefined,
  preferences: Preferences,
  extra: { notice?: string | undefined; error?: FieldIssue[] },
): Promise<string> {
  return preferencesPage({ ...(await preferenceCentreView(token, preferences, deps)), ...extra }, deps.site);
}
