import type { Command } from 'commander';
import { registerAck } from './ack.js';
import { registerApply } from './apply.js';
import { registerConfigShow } from './config-show.js';
import { registerAudit } from './audit.js';
import { registerExceptions } from './exceptions.js';
import { registerFindings } from './findings.js';
import { registerGet } from './get.js';
import { registerInventory } from './inventory.js';
import { registerJobs } from './jobs.js';
import { registerLint } from './lint.js';
import { registerMetrics } from './metrics.js';
import { registerNotifyLog } from './notify-log.js';
import { registerNotifyRun } from './notify-run.js';
import { registerOwners } from './owners.js';
import { registerPolicyTest } from './policy-test.js';
import { registerScanFiles } from './scan-files.js';
import { registerScanTls } from './scan-tls.js';
import { registerVerify } from './verify.js';

/** Every command of the CLI, one file each; a new command adds one line here. */
export function registerCommands(program: Command): void {
  registerScanFiles(program);
  registerScanTls(program);
  registerInventory(program);
  registerFindings(program);
  registerAudit(program);
  registerVerify(program);
  registerLint(program);
  registerNotifyRun(program);
  registerNotifyLog(program);
  registerAck(program);
  registerApply(program);
  registerGet(program);
  registerOwners(program);
  registerPolicyTest(program);
  registerExceptions(program);
  registerConfigShow(program);
  registerJobs(program);
  registerMetrics(program);
}
