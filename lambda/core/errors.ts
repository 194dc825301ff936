/**
 * Domain errors: surprises, not outcomes (STYLE.md §3). Adapters map SDK exceptions to these at
 * the boundary, keeping the original as `cause`, and re-throw anything else.
 */

/** Base class: sets `name` from the subclass and keeps `cause`. */
export class GuardianError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The policy file is invalid; `issues` lists every problem with file, line, column and field. */
export class PolicyValidationError extends GuardianError {
  constructor(
    readonly file: string,
    readonly issues: readonly { line: number; column: number; path: string; message: string }[],
  ) {
    super(
      `${file}: invalid policy (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${file}:${i.line}:${i.column} ${i.path}: ${i.message}`).join('\n'),
    );
  }
}

/** A modification is in progress (`IncorrectModificationState`). */
export class ModificationInProgressError extends GuardianError {}

/** The per-volume modification limit was hit (`VolumeModificationRateExceeded`). */
export class ModificationRateExceededError extends GuardianError {
  constructor(
    message: string,
    /** When AWS said the next modification is allowed, if its message said so. */
    readonly nextAllowedEpochSeconds: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** AWS throttled the API call (`RequestLimitExceeded`, `Throttling`). */
export class ApiThrottledError extends GuardianError {}

/** The caller lacks a permission (`UnauthorizedOperation`, `AccessDenied`). */
export class NotAuthorizedError extends GuardianError {}

/** AWS rejected a parameter (`InvalidParameterValue`, `InvalidParameterCombination`). */
export class InvalidModificationError extends GuardianError {}

/** The volume does not exist (`InvalidVolume.NotFound`): deleted, or never in this account and region. */
export class VolumeNotFoundError extends GuardianError {}

/** The DB instance does not exist (`DBInstanceNotFound`): deleted, or never in this account and region; handled like a deleted volume. */
export class DbInstanceNotFoundError extends VolumeNotFoundError {}

/** DescribeVolumesModifications with `VolumeIds` named a volume never modified (`InvalidVolumeModification.NotFound`). */
export class ModificationNotFoundError extends GuardianError {}

/** A DryRun request would have succeeded (`DryRunOperation`): permissions are proven. */
export class DryRunSucceeded extends GuardianError {}

/** A conditional write lost: the record exists or changed under us. Nothing was overwritten. */
export class HistoryConflictError extends GuardianError {}

/** Metrics for a volume could not be read. */
export class MetricsUnavailableError extends GuardianError {}

/** Bad command-line usage: the CLI prints the message and exits 2. */
export class UsageError extends GuardianError {}

/** A simulation input (scenario name, trace file) is invalid; names the file and line when there is one. */
export class SimulationInputError extends GuardianError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(file === undefined ? message : `${file}${line === undefined ? '' : `:${line}`}: ${message}`, options);
  }
}

/** The container runtime's Docker Engine API (unix socket) failed or answered with an error status. */
export class ContainerApiError extends GuardianError {
  constructor(
    message: string,
    /** The HTTP status, when the runtime answered at all. */
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Publishing the probe's metrics (PutMetricData) failed; `cause` keeps the SDK error. */
export class MetricsPublishError extends GuardianError {}

/** The history table could not be located (no `--table`, or the stack has no `HistoryTableName` output). */
export class HistoryTableNotFoundError extends GuardianError {}

/** A CDK construct prop (or the app's context) is invalid; the message shows the bad value. */
export class GuardianPropsError extends GuardianError {}

/** A scan could not watch the fleet at all (e.g. the inventory failed); volume failures are not this. */
export class ScanFailedError extends GuardianError {}
