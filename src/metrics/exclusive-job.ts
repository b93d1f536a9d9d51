/**
 * A background job that never overlaps itself: a tick that arrives while the previous run is
 * still going is skipped (and counted), and `idle()` waits for the run in progress, so stopping
 * is clean. Failures are logged, never thrown at the scheduler.
 */
import type { Logger } from "pino";

export class ExclusiveJob {
  private running: Promise<void> | null = null;
  private skippedRuns = 0;
  private completedRuns = 0;

  constructor(
    readonly name: string,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Starts a run unless one is going; resolves when the run (or the one in progress) ends. */
  run(): Promise<void> {
    if (this.running !== null) {
      this.skippedRuns++;
      this.logger.debug({ job: this.name }, "previous run still going; tick skipped");
      return this.running;
    }
    this.running = this.work()
      .catch((err: Error) => this.logger.error({ job: this.name, err: err.message }, "background job failed"))
      .finally(() => {
        this.running = null;
        this.completedRuns++;
      });
    return this.running;
  }

  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  get skipped(): number {
    return this.skippedRuns;
  }

  get completed(): number {
    return this.completedRuns;
  }
}
