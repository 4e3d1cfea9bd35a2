/** Texts of a finding's related locations (the editor's "related information"), by message id. */
import type { RelatedMessageId } from '../types.ts';
import { str, type MessageFn } from './message-fn.ts';

export const RELATED_MESSAGES: Readonly<Record<RelatedMessageId, MessageFn>> = {
  taken: ({ data }) => `pages taken here by ${str(data, 'acquisition')}`,
  released: ({ data }) => `released here by ${str(data, 'release')}()`,
  helperReleases: ({ data }) => `the helper releases here with ${str(data, 'release')}()`,
  pathLeaves: () => 'the path leaves the function here',
  theRelease: () => 'the release',
  removedRelease: ({ data }) => `the patch removes ${str(data, 'release')}() here: it says what the pages hold`,
};
