import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { generateDemo } from '../../../demo/generateDemo';
import type { GenerateDemoParams, GenerateDemoResult } from '../../shared/protocol';

/**
 * The demo workspace, written by the generator the CLI uses. It runs here rather than in
 * the extension host: it starts git and DuckDB, which the extension never loads.
 */
export async function generateDemoWorkspace(params: GenerateDemoParams): Promise<GenerateDemoResult> {
  try {
    const manifest = await generateDemo(params.dir);
    return { root: manifest.root, commits: manifest.commits };
  } catch (error) {
    throw new ResponseError(ErrorCodes.InternalError, (error as Error).message);
  }
}
