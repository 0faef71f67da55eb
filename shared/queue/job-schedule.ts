/**
 * Where the in-process queue's pending jobs wait. Ready jobs sit in one binary heap per job name,
 * ordered by (priority, arrival), so each processor pops its own next job in O(log n). Delayed jobs
 * and retries waiting out their backoff share one heap ordered by (run time, arrival), watched by a
 * single timer armed for the earliest of them: never one timer per job.
 */
import type { Disposable } from '../lifecycle/disposable.js';
import { BinaryHeap } from './binary-heap.js';
import type { JobRecord } from './job-record.js';

/** setTimeout's largest delay; a later run time re-arms the timer when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

const readyFirst = (a: JobRecord, b: JobRecord): boolean => a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
const dueFirst = (a: JobRecord, b: JobRecord): boolean => a.runAt < b.runAt || (a.runAt === b.runAt && a.seq < b.seq);

/** Ready heaps per name, the delayed heap and its one timer. Dispose to clear the timer. */
export class JobSchedule implements Disposable {
  private readonly ready = new Map<string, BinaryHeap<JobRecord>>();
  private readonly delayed = new BinaryHeap<JobRecord>(dueFirst);
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private seq = 0;
  private waiting = 0;

  /**
   * @param onDue receives each delayed job whose time has come (already out of the delayed heap).
   * @param keepAlive whether the timer keeps the process alive.
   */
  constructor(
    private readonly onDue: (job: JobRecord) => void,
    private readonly keepAlive: boolean,
  ) {}

  /** Jobs ready to run. */
  get waitingCount(): number {
    return this.waiting;
  }

  /** Jobs waiting for their run time. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Names that have had ready jobs. */
  names(): Iterable<string> {
    return this.ready.keys();
  }

  /** Puts a job in its name's ready heap, behind the jobs of its priority already there. */
  makeReady(job: JobRecord): void {
    job.state = 'waiting';
    job.seq = ++this.seq;
    let heap = this.ready.get(job.name);
    if (!heap) {
      heap = new BinaryHeap<JobRecord>(readyFirst);
      this.ready.set(job.name, heap);
    }
    heap.push(job);
    this.waiting++;
  }

  /** Holds a job until `runAt` (ms since the epoch). */
  delay(job: JobRecord, runAt: number): void {
    job.state = 'delayed';
    job.runAt = runAt;
    job.seq = ++this.seq;
    this.delayed.push(job);
    this.armTimer();
  }

  /** Removes and returns the next ready job of a name. */
  nextReady(name: string): JobRecord | undefined {
    const job = this.ready.get(name)?.pop();
    if (job) this.waiting--;
    return job;
  }

  /** Removes a waiting or delayed job; returns whether it was here. */
  remove(job: JobRecord): boolean {
    if (job.state === 'waiting' && this.ready.get(job.name)?.remove(job)) {
      this.waiting--;
      return true;
    }
    if (job.state === 'delayed' && this.delayed.remove(job)) {
      this.armTimer();
      return true;
    }
    return false;
  }

  /** Removes and returns every waiting and delayed job, and clears the timer. */
  takeAll(): JobRecord[] {
    const jobs = [...this.ready.values()].flatMap((heap) => heap.popAll());
    jobs.push(...this.delayed.popAll());
    this.waiting = 0;
    this.armTimer();
    return jobs;
  }

  /** Clears the timer (delayed jobs stay put; {@link takeAll} first to cancel them). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Keeps one timer, due at the earliest delayed job, or none when there is none. */
  private armTimer(): void {
    const next = this.delayed.peek();
    if (!next) return this.dispose();
    if (this.timer && this.timerAt <= next.runAt) return;
    clearTimeout(this.timer);
    this.timerAt = next.runAt;
    this.timer = setTimeout(this.onTimer, Math.min(Math.max(0, next.runAt - Date.now()), MAX_TIMER_MS));
    if (!this.keepAlive) this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (let next = this.delayed.peek(); next && next.runAt <= now; next = this.delayed.peek()) {
      this.delayed.pop();
      this.onDue(next);
    }
    this.armTimer();
  };
}
