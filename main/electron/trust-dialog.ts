/**
 * The desktop app's consent for trust_remote_code: a modal dialog that names the folder whose
 * Python code would run in the training worker, with "Do not trust" as the default and the
 * button Escape picks. The core asks through its LocalCaller (main/core/context.ts); `studio serve`
 * has none, so over the server the setting is refused.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { LocalCaller } from '../core/context.js';

export function trustDialog(window: () => BrowserWindow | null): LocalCaller {
  return {
    async confirmTrustRemoteCode({ name, folder }) {
      const options = {
        type: 'warning' as const,
        title: 'Run this model\u2019s own code?',
        message: `Trust the code in ${folder}?`,
        detail:
          `"${name}" asks for trust_remote_code: the Python files in ${folder} will run in the training ` +
          'worker with your permissions, able to read and change your files. Turn it on only for a model folder you trust.',
        buttons: ['Do not trust', 'Trust and run its code'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      };
      const owner = window();
      const answer = owner && !owner.isDestroyed() ? await dialog.showMessageBox(owner, options) : await dialog.showMessageBox(options);
      return answer.response === 1;
    },
  };
}
