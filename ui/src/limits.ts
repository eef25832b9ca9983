// The server's text limits, in characters: internal/model's TextLimits, written into limits.json
// by npm run gen:api (a Go test fails when the file is stale). Forms limit and count their
// fields by them, so nothing typed (online or offline) is refused later for its length.
import limits from './limits.json';

export type LimitKey = keyof typeof limits;

/** limit is the most characters the server takes in the field named by key. */
export const limit = (key: LimitKey): number => limits[key];
