import manifest from '../../package.json' with { type: 'json' };

/** This Baton's release, from package.json. */
export const BATON_VERSION: string = manifest.version;

/**
 * The version of what Baton processes say to each other (the leader
 * endpoint's messages, leader.json), separate from the release version.
 * Processes of several releases share a home while windows update one by
 * one, so:
 *
 * - every message change is additive (new optional fields, new methods an
 *   older leader answers with "unknown method"), and both sides ignore
 *   fields they do not know: peers of protocol MIN_PEER_PROTOCOL and newer
 *   work together, forwarding included;
 * - a change that cannot be additive raises MIN_PEER_PROTOCOL; a leader then
 *   refuses an older follower's hello with an `incompatible` error naming
 *   the window to reload, and a follower that finds an older leader stays a
 *   follower that searches but says which window to reload for writes.
 *
 * History: 1 — Baton 0.1 (no version field); 2 — `protocol` and `version`
 * in hello and leader.json, `attached` in index answers, unreadable and
 * vanished counts in refresh answers.
 */
export const PROTOCOL_VERSION = 2;
export const MIN_PEER_PROTOCOL = 1;

/** A peer that sends no protocol is Baton 0.1. */
export function protocolOf(peer: { readonly protocol?: number | undefined }): number {
  return peer.protocol ?? 1;
}

/** Why a peer of `protocol` cannot work with this process, or undefined when it can. */
export function incompatibility(protocol: number, peer: string): string | undefined {
  if (protocol >= MIN_PEER_PROTOCOL) return undefined;
  return (
    `${peer} runs an older Baton (protocol ${protocol}) than this one works with (protocol ${MIN_PEER_PROTOCOL} or newer). ` +
    'Reload that VS Code window (or restart that agent) so that it runs the current Baton.'
  );
}
