import { FILE_ROLES, type FileRole } from '../../protocol/roles.ts';

/**
 * How much a file's role weighs on its chunks' scores by default: an agent
 * asking about behaviour wants the code, and a test or a changelog that
 * quotes the words of the question is the usual wrong first answer.
 */
export type RolePriors = Readonly<Record<FileRole, number>>;

export const DEFAULT_ROLE_PRIORS: RolePriors = {
  source: 1,
  test: 0.4,
  example: 0.55,
  docs: 0.45,
  config: 0.5,
  generated: 0.4,
  changelog: 0.25,
};

/** A role the query asks for ("tests for the parser") ranks level with, and above, the code. */
const ASKED_PRIOR = 1;
/** The code, when the query asks for another role: still a good answer, after the one asked for. */
const SOURCE_WHEN_OTHER_ASKED = 0.75;

export type RolePrior = (role: FileRole) => number;

/**
 * The prior for one search. `restricted` (the roles a caller limited the
 * search to) are all weighed alike: the caller chose them. Otherwise roles
 * the query's words ask for are lifted to the top.
 */
export function rolePrior(askedRoles: ReadonlySet<FileRole>, restricted: readonly FileRole[] = [], defaults: RolePriors = DEFAULT_ROLE_PRIORS): RolePrior {
  if (restricted.length > 0) return () => 1;
  if (askedRoles.size === 0) return (role) => defaults[role];
  const priors = { ...defaults };
  for (const role of FILE_ROLES) {
    if (askedRoles.has(role)) priors[role] = ASKED_PRIOR;
    else if (role === 'source') priors[role] = SOURCE_WHEN_OTHER_ASKED;
  }
  return (role) => priors[role];
}
