/**
 * A light English stemmer for comparing words with the parts of names:
 * "retries", "retrying", "retried" and "retry" meet on "retri"; "parses",
 * "parsed", "parsing" and "parse" on "pars". It only trims common suffixes of
 * one word (never a whole identifier: "parseConfig" is compared as its parts),
 * and leaves short words alone, so "is", "ssl" or "bus" stay as they are.
 */
export function lightStem(word: string): string {
  let stem = word.toLowerCase();
  if (stem.length <= 3) return stem;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}i`;
  else if (stem.endsWith('sses')) stem = stem.slice(0, -2);
  else if (/(ches|shes|xes|zes)$/.test(stem)) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !/(ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  else if (stem.endsWith('ing') && stem.length > 5) stem = stem.slice(0, -3);
  else if (stem.endsWith('ied') && stem.length > 4) stem = `${stem.slice(0, -3)}i`;
  else if (stem.endsWith('ed') && stem.length > 4) stem = stem.slice(0, -2);
  if (stem.endsWith('y') && stem.length > 3) stem = `${stem.slice(0, -1)}i`;
  if (stem.endsWith('e') && stem.length > 3) stem = stem.slice(0, -1);
  // A doubled final consonant left by a suffix ("running" → "runn"): one is enough.
  if (stem.length > 3 && stem.at(-1) === stem.at(-2) && !/[aeiousl]/.test(stem.at(-1)!)) stem = stem.slice(0, -1);
  return stem;
}
