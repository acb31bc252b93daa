/**
 * Checks of local paths a caller names: a base model folder (addBaseModel) and a verifier
 * (run settings). A local caller (the desktop app, the CLI) gets the precise reason. A caller over
 * `studio serve` gets one sentence whatever the reason (missing, a file, unreadable, not a model),
 * so the server API cannot tell which paths exist on the machine.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { StudioError } from '../../../preload/contract/errors.js';
import { inspectModelFolder, type BackboneInfo } from './backbone.js';

export type PathDetail = 'precise' | 'uniform';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function readable(folder: string): boolean {
  try {
    readdirSync(folder);
    return true;
  } catch {
    return false;
  }
}

export function uniformModelFolderMessage(path: string): string {
  return `No model folder this studio can use at ${path}: it is missing, not readable or not a supported model. Over \`studio serve\` the reason is not told; add it in the desktop app or with \`studio train --model DIR\` to see why.`;
}

/** The backbone of a model folder, or the error the caller may see. */
export function checkModelFolder(path: string, detail: PathDetail): BackboneInfo {
  const refuse = (precise: string): never => {
    throw new StudioError('invalid_input', detail === 'precise' ? precise : uniformModelFolderMessage(path));
  };
  if (!existsSync(path)) return refuse(`${path} does not exist.`);
  if (!isFolder(path)) return refuse(`${path} is not a folder.`);
  if (!readable(path)) return refuse(`${path} cannot be read by this studio.`);
  let info: BackboneInfo;
  try {
    info = inspectModelFolder(path);
  } catch (err) {
    return refuse(`${path} cannot be read: ${(err as Error).message}`);
  }
  // A model type this studio does not train is registered (the run preview says why); only a
  // folder that is no model at all is refused. Over the server an unsupported one is refused too,
  // so that "a model of another kind is there" is not told apart from "nothing is there".
  if (!info.supported && (info.modelType === null || detail === 'uniform')) return refuse(info.unsupportedReason ?? `${path} is not a model folder.`);
  return info;
}

const LEARNED_FILES = ['model.safetensors', 'model.pt', 'model.onnx'];

/** Why the verifier at `path` cannot be used (null when it can), as precise as the caller may see. */
export function verifierProblem(tier: 'learned' | 'judge', path: string, detail: PathDetail): string | null {
  const precise = (() => {
    if (!existsSync(path)) return 'does not exist';
    if (tier === 'judge') {
      if (!isFolder(path)) return 'is not a model folder';
      return isFile(join(path, 'config.json')) ? null : 'has no config.json, so it is not a model folder';
    }
    // The learned verifier (native-models/cosmo_rl/verifiers/learned.py): an .onnx file, or a
    // folder (or a weights file in one) with config.json and model.safetensors, .pt or .onnx.
    if (isFile(path) && extname(path) === '.onnx') return null;
    const folder = isFolder(path) ? path : join(path, '..');
    if (!isFile(join(folder, 'config.json'))) return 'has no config.json beside the classifier';
    if (isFolder(path) && !LEARNED_FILES.some((name) => isFile(join(path, name)))) return `has none of ${LEARNED_FILES.join(', ')}`;
    if (isFile(path) && !LEARNED_FILES.includes(path.split(/[\\/]/).pop() ?? '')) return `is not one of ${LEARNED_FILES.join(', ')}`;
    return null;
  })();
  if (precise === null) return null;
  return detail === 'precise' ? precise : 'is missing, not readable or not a verifier this studio can use';
}
