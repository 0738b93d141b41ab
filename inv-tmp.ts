import { main } from './src/cli/main';
main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((c) => (process.exitCode = c));
