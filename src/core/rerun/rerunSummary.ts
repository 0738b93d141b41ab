import { formatCount, formatOverRows, formatPointDifference, formatRate, formatTimestamp, NOT_RECORDED, shortSha } from '../report/format';
import type { ModelRerun, Span } from './rerunImpact';

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

function spanText(span: Span | null): string {
  if (!span) return 'time not recorded';
  const first = formatTimestamp(span.first);
  if (span.first.slice(0, 10) === span.last.slice(0, 10)) return `${first.replace(' UTC', '')}–${span.last.slice(11, 16)} UTC`;
  return `${first} – ${formatTimestamp(span.last)}`;
}

function buildText(commits: Array<string | null>): string {
  const known = [...new Set(commits.filter((c): c is string => c !== null))];
  if (known.length === 0) return 'an unrecorded build';
  return known.map(shortSha).join(', ');
}

/**
 * The lines every surface shows for one model's re-run (the CLI, the commit report, the
 * hover): what was replaced, by which builds and when, how far predictions moved, and the
 * hit rate on the same keys before and after with its paired interval and n.
 */
export function rerunLines(m: ModelRerun): { headline: string; details: string[] } {
  const dates = m.dates.first === m.dates.last ? m.dates.first : `${m.dates.first}..${m.dates.last}`;
  const headline = `${m.model}: ${plural(m.replacedRows, 'row')} superseded for game dates ${dates}`;
  const details: string[] = [];
  details.push(
    `${plural(m.regenerated, 'key')} regenerated, ${formatCount(m.deleted)} deleted without replacement, ${m.added === null ? 'new keys not recorded (no write time)' : `${formatCount(m.added)} new`}${
      m.replacedRepeatedly ? `; ${plural(m.replacedRepeatedly, 'key')} replaced more than once (compared with the latest replaced row)` : ''
    }${m.severalCurrent ? `; ${plural(m.severalCurrent, 'key')} with more than one standing row (the latest is used)` : ''}`,
  );
  const oldBuilds = buildText(m.builds.filter((b) => b.replacedRows > 0).map((b) => b.old));
  const newBuilds = buildText(m.builds.filter((b) => b.regenerated + (b.added ?? 0) > 0).map((b) => b.new));
  details.push(`replaced rows by ${oldBuilds} (made ${spanText(m.replacedMade)}); re-run rows by ${newBuilds} (made ${spanText(m.rerunMade)})`);
  if (m.regenerated > 0 && m.changed === null) details.push('how far predictions moved: not recorded (tables.predictions.columns.predicted is not set)');
  else if (m.regenerated > 0) {
    details.push(
      m.changed === 0
        ? `no regenerated prediction differs from the one it replaced (${plural(m.regenerated, 'key')} compared)`
        : `${formatCount(m.changed ?? 0)} of ${plural(m.regenerated, 'regenerated key')} changed prediction, ${m.flipped === null ? 'sides of the line not recorded (no line)' : `${formatCount(m.flipped)} changed side of the line`}; mean change ${formatOverRows(m.meanChange, m.changeN, 2, true)}, mean |change| ${formatOverRows(m.meanAbsChange, m.changeN)}, largest ${formatOverRows(m.maxAbsChange, m.changeN)} (n=${m.changeN === null ? NOT_RECORDED : formatCount(m.changeN)})`,
    );
  }
  const h = m.hits;
  if (h === null) details.push('hit rate on the same keys: not recorded (the config names no predicted value, line or actual result to judge by)');
  else if (h.n === 0) details.push('hit rate on the same keys: not known (no regenerated key is graded yet)');
  else {
    const test =
      h.mcnemarP === null
        ? 'no key changed outcome'
        : `McNemar p=${h.mcnemarP < 0.001 ? h.mcnemarP.toExponential(1) : h.mcnemarP.toFixed(3)}, ${h.oldOnly} lost, ${h.newOnly} gained`;
    details.push(
      `hit rate on the same ${plural(h.n, 'graded key')}: ${formatRate(h.old)} before → ${formatRate(h.new)} after, change ${formatPointDifference(h.change)} (paired; ${test})`,
    );
  }
  if (m.sameBuild)
    details.push(`the re-run ran the same build as the rows it replaced (${buildText(m.builds.map((b) => b.new))}): a change committed since is not in what it wrote`);
  return { headline, details };
}
