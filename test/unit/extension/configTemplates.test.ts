import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/core/config/loadConfig';
import { CONFIG_TEMPLATES, templateText } from '../../../src/extension/configTemplates';

/* What Create Config writes must load: schema-valid, and a starting point the engine accepts. */
describe('Create Config templates', () => {
  for (const template of CONFIG_TEMPLATES) {
    it(`${template.id} passes the schema and the loader`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pipeline-lens-template-'));
      try {
        const file = join(dir, 'pipeline-lens.json');
        await writeFile(file, templateText(template));
        const config = loadConfig(file);
        assert.equal(config.warehouse.kind, template.id);
        assert.ok(config.services.length > 0, 'a service to verify');
        assert.ok(config.services[0].deployments, 'with a deployment source');
        // Every configured table with a build column is stamped by a stage of its own.
        const stamped = (['featureStore'] as const).filter((role) => config.tables[role]?.columns.commit);
        for (const role of stamped)
          assert.ok(
            config.services.some((s) => s.table === role),
            `a stage for tables.${role}`,
          );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
