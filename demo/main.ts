// Generates the demo workspace from a terminal without building the CLI:
//   node --import tsx demo/main.ts [folder]      (default: ./pipeline-lens-demo)
// Prints the manifest (commit and revision roles) as JSON.
import { generateDemo } from './generateDemo';

async function main(): Promise<void> {
  const folder = process.argv[2] ?? 'pipeline-lens-demo';
  const started = Date.now();
  const manifest = await generateDemo(folder);
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`Demo workspace written to ${manifest.root} in ${Date.now() - started} ms.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
