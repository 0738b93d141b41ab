import { findFeatureReferences, offsetExpression } from './featureOffsets';
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
  const reference = findFeatureReferences(tokens, {
    featuresColumn: context.featuresColumn,
    storage: context.featureStorage ?? 'array',
    columns: context.features.flatMap((f) => (f.column ? [{ column: f.column, index: f.index }] : [])),
  }).find((r) => r.start <= offset && offset <= r.end);
  if (reference) {
    const feature = context.features.find((f) => f.index === reference.index);
    const position = `index ${reference.index}${context.featureCount > 0 ? ` of ${context.featureCount}` : ''}`;
    const access = reference.access;
    const where = { start: reference.start, end: reference.end };
    if (!feature) {
      const outside = context.featureCount > 0 && (reference.index < 0 || reference.index >= context.featureCount);
      const written = access ? `${access.accessor}(${access.written})` : `'$[${reference.index}]'`;
      return {
        ...where,
        contents: outside
          ? `**Outside the feature array**: \`${context.featuresColumn}\` holds ${context.featureCount} values; ${written} is ${position.replace(/ of \d+$/, '')}.`
          : `**Feature ${position}** — not in the registry (features.registry in pipeline-lens.json).`,
      };
    }
    if (reference.how === 'column') {
      const lines = [`**${feature.name}** — feature ${reference.index}${context.featureCount > 0 ? ` of ${context.featureCount}` : ''}, column \`${feature.column}\``, ''];
      if (feature.description) lines.push(feature.description);
      return { ...where, contents: lines.join('\n').trimEnd() };
    }
    const lines = [`**${feature.name}** — feature ${position}`, ''];
    if (feature.description) lines.push(feature.description, '');
    if (access && !access.via) {
      const other = access.accessor.endsWith('ORDINAL') ? offsetExpression(access.array, access.index, 'OFFSET') : offsetExpression(access.array, access.index, 'ORDINAL');
      lines.push(`\`${offsetExpression(access.array, access.index, access.accessor)}\` · same as \`${other}\``);
    } else lines.push(`\`${sql.slice(reference.start, reference.end)}\``);
    return { ...where, contents: lines.join('\n') };
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
