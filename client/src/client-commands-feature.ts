/** The VS Code client's experimental capability for the server (no runtime import of the client library). */
import type { StaticFeature } from 'vscode-languageclient/node';
import { COPY_COMMAND, type GupReviewClientCapabilities } from '../../server/src/lsp/protocol.ts';

/**
 * Tells the server (experimental capability `gupReview`) which client-side commands this client
 * executes, so that its code actions may name them ("Copy suggested fix"); other clients get
 * commands the server executes.
 */
export const clientCommandsFeature: StaticFeature = {
  fillClientCapabilities(capabilities) {
    const gupReview: GupReviewClientCapabilities = { clientCommands: [COPY_COMMAND] };
    capabilities.experimental = { ...(capabilities.experimental as object | undefined), gupReview };
  },
  initialize() {},
  getState: () => ({ kind: 'static' }),
  clear() {},
};
