import { formatTimestamp } from '../core/report/format';
import type { TreeCommit, UnreadDeploymentRecord } from '../shared/protocol';

/*
 * What the views say of a build's deployment. "not deployed" is said only when every
 * deployment record was read; a record that could not be read makes it unknown, with why.
 */

const unreadText = (u: UnreadDeploymentRecord) => `${u.key}${u.service === '(none)' ? '' : ` (${u.service})`}: ${u.reason}`;

/** An inferred deployment has no recorded time: only the day its build first wrote rows. */
const when = (d: TreeCommit['deployedAs'][number]) => (d.inferred ? `first seen ${d.createdAt.slice(0, 10)}, inferred from its table` : formatTimestamp(d.createdAt));

/** The short form, for a tree row's description. */
export function deploymentSummary(b: TreeCommit): string {
  switch (b.deployment.state) {
    case 'deployed': {
      const serving = b.deployedAs.find((d) => d.serving);
      const first = b.deployedAs[0];
      return serving ? `serving as ${serving.revision}` : `deployed ${first.revision}${first.inferred ? ' (inferred)' : ''}`;
    }
    case 'not-deployed':
      return 'not deployed';
    case 'not-read':
      return `deployment record not read (${b.deployment.unread.map(unreadText).join('; ')})`;
  }
}

/** The full sentences, one a line (plain text: the caller escapes them for markdown), for a tooltip. */
export function deploymentDetail(b: TreeCommit): string[] {
  const unread = b.deployment.unread.map((u) => `The deployment record ${unreadText(u)}`);
  switch (b.deployment.state) {
    case 'deployed':
      return [
        `Deployed as ${b.deployedAs.map((d) => `${d.revision} (${d.service}, ${when(d)}${d.serving ? ', serving now' : ''})`).join(', ')}`,
        ...(unread.length ? ['Not read, so other revisions may exist:', ...unread] : []),
      ];
    case 'not-deployed':
      return ['No revision was built from exactly this commit (every deployment record was read).'];
    case 'not-read':
      return ['Whether a revision was built from this commit is unknown: a deployment record could not be read.', ...unread];
  }
}

/** The form for a table cell (plain text): the revisions with their times, or why it is not known. */
export function deploymentCell(b: TreeCommit): string {
  switch (b.deployment.state) {
    case 'deployed':
      return b.deployedAs.map((d) => `${d.revision} ${when(d)}`).join(', ');
    case 'not-deployed':
      return 'not deployed';
    case 'not-read':
      return `deployment record not read (${b.deployment.unread.map(unreadText).join('; ')})`;
  }
}
