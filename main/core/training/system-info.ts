/**
 * What the machine offers for training: the worker's Python and its packages, torch's CUDA
 * build and GPUs, nvidia-smi's view of the GPUs, free disk. Anything missing comes with one
 * plain sentence saying what to do.
 */
import { spawn } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { EnvSetupState, GpuInfo, PythonSource, SystemInfo, SystemProblem } from '../../../preload/contract/training.js';
import { probeJson } from './python-probe.js';

/** Packages the worker imports (pip names, as importlib.metadata knows them). */
export const WORKER_PACKAGES = ['torch', 'transformers', 'trl', 'peft', 'accelerate', 'datasets', 'pydantic', 'pillow', 'huggingface_hub'] as const;

/** Below this, checkpoints of even a small model may not fit. */
const LOW_DISK_BYTES = 5 * 1024 ** 3;

export interface PythonLocation {
  path: string;
  source: PythonSource;
}

export interface LocateOptions {
  dataDir: string;
  workerDir: string;
  /** STUDIO_PYTHON, when set. */
  envPython?: string | undefined;
}

export function venvPython(venvDir: string): string {
  return process.platform === 'win32' ? join(venvDir, 'Scripts', 'python.exe') : join(venvDir, 'bin', 'python');
}

export function appVenvDir(dataDir: string): string {
  return join(dataDir, 'python-env');
}

/** The interpreter to use, in order: STUDIO_PYTHON, native-models/.venv, <dataDir>/python-env. */
export function locatePython(opts: LocateOptions): PythonLocation | null {
  if (opts.envPython) return { path: opts.envPython, source: 'env_var' };
  const repo = venvPython(join(opts.workerDir, '.venv'));
  if (existsSync(repo)) return { path: repo, source: 'repo_venv' };
  const app = venvPython(appVenvDir(opts.dataDir));
  if (existsSync(app)) return { path: app, source: 'app_venv' };
  return null;
}

const PROBE = `
import json, sys, platform, importlib.metadata as md, importlib.util as iu
out = {"python": platform.python_version(), "packages": {}, "torch": None, "gpus": [], "worker": None}
for name in ${JSON.stringify(WORKER_PACKAGES)}:
    try:
        out["packages"][name] = md.version(name)
    except Exception:
        out["packages"][name] = None
try:
    if iu.find_spec("cosmo_rl.train") is None:
        out["worker"] = "the cosmo_rl package has no train module"
except Exception as e:
    out["worker"] = f"{type(e).__name__}: {e}"
if out["packages"]["torch"]:
    try:
        import torch
        mps = getattr(torch.backends, "mps", None)
        out["torch"] = {"version": torch.__version__, "cuda": torch.version.cuda, "cuda_available": bool(torch.cuda.is_available()),
                        "mps_available": bool(mps is not None and mps.is_available())}
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                p = torch.cuda.get_device_properties(i)
                out["gpus"].append({"index": i, "name": p.name, "memory_total_mb": int(p.total_memory // 1048576)})
    except Exception as e:
        out["torch_error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
`;

export const ProbeAnswer = z.object({
  python: z.string(),
  packages: z.record(z.string(), z.string().nullable()),
  torch: z.object({ version: z.string(), cuda: z.string().nullable(), cuda_available: z.boolean(), mps_available: z.boolean() }).nullable(),
  gpus: z.array(z.object({ index: z.number().int(), name: z.string(), memory_total_mb: z.number().int() })),
  worker: z.string().nullable(),
  torch_error: z.string().optional(),
});
export type ProbeAnswer = z.infer<typeof ProbeAnswer>;

export function probePython(python: string, workerDir: string) {
  return probeJson(python, PROBE, ProbeAnswer, { cwd: workerDir, env: { ...process.env, PYTHONPATH: workerDir }, timeoutMs: 120_000 });
}

export interface SmiGpu {
  index: number;
  name: string;
  memoryTotalMb: number;
  memoryUsedMb: number;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total,memory.used,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): { gpus: SmiGpu[]; driverVersion: string | null } {
  const gpus: SmiGpu[] = [];
  let driverVersion: string | null = null;
  for (const line of csv.split('\n')) {
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 5) continue;
    const [index, name, total, used, driver] = parts;
    const t = Number(total);
    const u = Number(used);
    if (!name || !Number.isFinite(t)) continue;
    gpus.push({ index: Number(index), name, memoryTotalMb: Math.round(t), memoryUsedMb: Number.isFinite(u) ? Math.round(u) : 0 });
    driverVersion = driver || driverVersion;
  }
  return { gpus, driverVersion };
}

export function queryNvidiaSmi(): Promise<{ found: boolean; gpus: SmiGpu[]; driverVersion: string | null }> {
  return new Promise((resolvePromise) => {
    let out = '';
    let child;
    try {
      child = spawn('nvidia-smi', ['--query-gpu=index,name,memory.total,memory.used,driver_version', '--format=csv,noheader,nounits'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      resolvePromise({ found: false, gpus: [], driverVersion: null });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (out += c));
    child.on('error', () => {
      clearTimeout(timer);
      resolvePromise({ found: false, gpus: [], driverVersion: null });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) resolvePromise({ found: true, gpus: [], driverVersion: null });
      else resolvePromise({ found: true, ...parseNvidiaSmi(out) });
    });
  });
}

export function diskSpace(path: string): { freeBytes: number; totalBytes: number } {
  try {
    const s = statfsSync(path);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return { freeBytes: 0, totalBytes: 0 };
  }
}

/** Joins torch's and nvidia-smi's GPU lists by index. */
export function mergeGpus(fromTorch: ProbeAnswer['gpus'], fromSmi: SmiGpu[]): GpuInfo[] {
  const byIndex = new Map<number, GpuInfo>();
  for (const g of fromSmi) {
    byIndex.set(g.index, { index: g.index, name: g.name, memoryTotalMb: g.memoryTotalMb, memoryUsedMb: g.memoryUsedMb, seenBy: ['nvidia-smi'] });
  }
  for (const g of fromTorch) {
    const known = byIndex.get(g.index);
    if (known) known.seenBy = ['torch', 'nvidia-smi'];
    else byIndex.set(g.index, { index: g.index, name: g.name, memoryTotalMb: g.memory_total_mb, memoryUsedMb: null, seenBy: ['torch'] });
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

export interface CollectOptions extends LocateOptions {
  setup: EnvSetupState | null;
}

export async function collectSystemInfo(opts: CollectOptions): Promise<SystemInfo> {
  const problems: SystemProblem[] = [];
  const location = locatePython(opts);
  const [smi, probe] = await Promise.all([queryNvidiaSmi(), location ? probePython(location.path, opts.workerDir) : Promise.resolve(null)]);
  const disk = { path: opts.dataDir, ...diskSpace(opts.dataDir) };
  const packages: Record<string, string | null> = Object.fromEntries(WORKER_PACKAGES.map((p) => [p, null]));
  let version: string | null = null;
  let torch: SystemInfo['torch'] = null;
  let gpusFromTorch: ProbeAnswer['gpus'] = [];

  if (!location) {
    problems.push({
      area: 'python',
      message: 'No Python environment for training was found.',
      advice: 'Click "Set up training environment" to create one in the app data folder (it needs Python 3.11, 3.12 or 3.13 and about 3 GB).',
      blocking: true,
    });
  } else if (probe && !probe.ok) {
    problems.push({
      area: 'python',
      message: `The training Python at ${location.path} does not run: ${probe.message}`,
      advice:
        location.source === 'env_var'
          ? 'Point STUDIO_PYTHON at a working Python 3.11, 3.12 or 3.13, or unset it to use the app environment.'
          : 'Set up the training environment again from this panel.',
      blocking: true,
    });
  } else if (probe?.ok) {
    const a = probe.value;
    version = a.python;
    Object.assign(packages, a.packages);
    const missing = WORKER_PACKAGES.filter((p) => !a.packages[p]);
    if (missing.length > 0) {
      problems.push({
        area: 'packages',
        message: `Missing in ${location.path}: ${missing.join(', ')}.`,
        advice: 'Set up the training environment again from this panel to install the pinned packages.',
        blocking: true,
      });
    }
    if (a.worker) {
      problems.push({
        area: 'worker',
        message: `The COSMO-RL worker cannot be found: ${a.worker}.`,
        advice: `Check that the native-models folder is complete at ${opts.workerDir}.`,
        blocking: true,
      });
    }
    if (a.torch) {
      torch = { version: a.torch.version, cuda: a.torch.cuda, cudaAvailable: a.torch.cuda_available, mpsAvailable: a.torch.mps_available };
      gpusFromTorch = a.gpus;
    } else if (a.torch_error) {
      problems.push({ area: 'packages', message: `torch is installed but fails to load: ${a.torch_error}.`, advice: 'Set up the training environment again from this panel.', blocking: true });
    }
  }

  const gpus = mergeGpus(gpusFromTorch, smi.gpus);
  if (smi.gpus.length > 0 && torch && !torch.cudaAvailable) {
    problems.push({
      area: 'gpu',
      message: torch.cuda
        ? `nvidia-smi shows ${smi.gpus.length} GPU(s) but torch ${torch.version} cannot use them.`
        : `nvidia-smi shows ${smi.gpus.length} GPU(s) but torch ${torch.version} is a CPU-only build.`,
      advice: 'Set up the training environment again with the CUDA variant so runs use the GPU.',
      blocking: false,
    });
  } else if (gpus.length === 0 && !torch?.mpsAvailable) {
    problems.push({
      area: 'gpu',
      message: smi.found ? 'nvidia-smi found no usable GPU.' : 'No GPU was found (nvidia-smi is not installed and torch sees no CUDA device).',
      advice: 'Runs will use the CPU, which is only practical for the tiny test model; install an NVIDIA driver to train real models.',
      blocking: false,
    });
  }
  if (disk.totalBytes > 0 && disk.freeBytes < LOW_DISK_BYTES) {
    problems.push({
      area: 'disk',
      message: `Only ${(disk.freeBytes / 1024 ** 3).toFixed(1)} GB free in ${opts.dataDir}.`,
      advice: 'Free some disk space or move the data folder: checkpoints of a real model take several GB each.',
      blocking: false,
    });
  }

  return {
    python: { path: location?.path ?? null, source: location?.source ?? null, version },
    packages,
    torch,
    nvidiaSmi: { found: smi.found, driverVersion: smi.driverVersion },
    gpus,
    disk,
    problems,
    ready: !problems.some((p) => p.blocking),
    setup: opts.setup,
    checkedAt: new Date().toISOString(),
  };
}
