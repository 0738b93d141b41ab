import { findFeatureOffsets, offsetExpression } from './featureOffsets';
import { findTable, roleLabel, type SqlContext } from './sqlContext';
import { sqlTokens } from './significantTokens';
import { findTableReferences } from './tableReferences';

export interface SqlHover {
  start: number;
  end: number;
  /** Markdown. */
  contents: string;
}

/** What the workspace's config says about the feature offset or table under `offset`. */
export function sqlHoverAt(sql: string, offset: number, context: SqlContext): SqlHover | null {
  const tokens = sqlTokens(sql);
  const access = findFeatureOffsets(tokens, context.featuresColumn).find((a) => a.start <= offset && offset <= a.end);
  if (access) {
    const feature = context.features.find((f) => f.index === access.index);
    const position = `index ${access.index}${context.featureCount > 0 ? ` of ${context.featureCount}` : ''}`;
    if (!feature) {
      const outside = context.featureCount > 0 && (access.index < 0 || access.index >= context.featureCount);
      return {
        start: access.start,
        end: access.end,
        contents: outside
          ? `**Outside the feature array**: \`${access.array}\` holds ${context.featureCount} values; ${access.accessor}(${access.written}) is ${position.replace(/ of \d+$/, '')}.`
          : `**Feature ${position}** — not in the registry (features.registry in pipeline-lens.json).`,
      };
    }
    const lines = [`**${feature.name}** — feature ${position}`, ''];
    if (feature.description) lines.push(feature.description, '');
    const other = access.accessor.endsWith('ORDINAL') ? offsetExpression(access.array, access.index, 'OFFSET') : offsetExpression(access.array, access.index, 'ORDINAL');
    lines.push(`\`${offsetExpression(access.array, access.index, access.accessor)}\` · same as \`${other}\``);
    return { start: access.start, end: access.end, contents: lines.join('\n') };
  }
  const ref = findTableReferences(tokens).find((r) => r.start <= offset && offset <= r.end);
  const table = ref ? findTable(context, ref.name) : null;
  if (ref && table) {
    const lines = [`**${table.name}** — ${roleLabel(table.role)} table in pipeline-lens.json`, ''];
    lines.push(table.partitionColumn ? `Partitioned on \`${table.partitionColumn}\`: filter on it to scan only the dates you need.` : 'Not partitioned (per config).');
    if (table.columns.length) lines.push('', `Columns named in config: ${table.columns.map((c) => `\`${c}\``).join(', ')}`);
    return { start: ref.start, end: ref.end, contents: lines.join('\n') };
  }
  return null;
}
