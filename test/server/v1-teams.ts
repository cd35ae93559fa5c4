/**
 * The governance the /v1 action tests start from: two owners, team-a and team-b, and service identities owned by
 * them — so a token bound to team-a can be shown what it may and may not touch.
 */
export function twoTeams(identities: Record<string, 'team-a' | 'team-b'>): string {
  const owner = (name: string, email: string): string =>
    `apiVersion: custos/v1\nkind: Owner\nmetadata: {name: ${name}}\nspec: {contacts: {email: [${email}]}}\n`;
  const identity = ([name, team]: [string, string]): string =>
    `apiVersion: custos/v1\nkind: Identity\nmetadata: {name: ${name}}\nspec: {owner: ${team}, kind: service}\n`;
  return [
    owner('team-a', 'a@corp.example'),
    owner('team-b', 'b@corp.example'),
    ...Object.entries(identities).map(identity),
  ].join('---\n');
}
