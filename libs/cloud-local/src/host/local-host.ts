import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { errorMessage } from '@gennaker/common';
import type { QueryRunner } from 'typeorm';
import type { LocalImageEntity } from '../entities/local-image.entity';
import type { LocalInstanceEntity } from '../entities/local-instance.entity';
import type { LocalServerGroupEntity } from '../entities/local-server-group.entity';
import { chaosFromEnv } from '../chaos.util';
import { instanceArgv } from '../image-store';
import type { LocalStateRepository } from '../local-state.repository';
import type { RouteGroup } from '../routing.util';
import { afterHealthCheck, CRASH_LOOP_AFTER, planScale, restartDelayMs, STABLE_AFTER_MS, type InstanceState } from '../supervisor.util';
import { LoadBalancerServer } from './load-balancer';
import { MetricsRecorder } from './metrics-recorder';
import { freePort, isAlive, killGroup, scanInstanceProcesses, startToken } from './process.util';
import { OrphanReaper } from './reaper';

export interface LocalHostOptions {
  dataDir: string;
  /** Identifies this install (data dir + database): marks its processes. */
  hostKey: string;
  bindHost: string;
  tickMs: number;
  healthIntervalMs: number;
  /** How long a stopping instance may keep serving its in-flight requests. */
  drainTimeoutMs: number;
  /** Stop instances on a clean shutdown (default); else leave them for the next host to adopt. */
  stopInstancesOnShutdown: boolean;
  /** How long instances outlive a host that died without a clean shutdown (0: forever). */
  orphanGraceMs: number;
  log: { log(m: string): void; warn(m: string): void; error(m: string): void };
}

/** Postgres advisory lock: one "local host" per database runs the processes and balancers. */
const HOST_LOCK = 727_101;
const ELECTION_INTERVAL_MS = 2_000;
const KILL_AFTER_TERM_MS = 5_000;
const METRICS_RETENTION_MS = 7 * 24 * 3600_000;
/** How often an idle host confirms its routing (waiters take a silence of 10 s for "no host"). */
const ROUTED_MARK_EVERY_MS = 2_000;

interface Supervised {
  id: string;
  pid: number;
  token: string | null;
  child: ChildProcess | null;
  exit: { code: number | null; signal: string | null } | null;
  failures: number;
  lastCheck: number;
  checking: boolean;
  health: { ok: boolean; detail: string } | null;
  stopRequestedAt: number | null;
  termAt: number | null;
}

/**
 * Runs the local provider's processes in one worker (elected with a Postgres advisory lock held
 * on its own connection: if that worker dies, another takes over within seconds). Each tick
 * compares desired state (server groups) with the instances, starts, restarts with backoff and
 * stops processes, checks their health over HTTP and routes each cluster's load balancer to the
 * healthy instances of its enabled groups.
 *
 * Instances run in their own process group (detached) with stdout/stderr appended to a log
 * file, so a SIGKILLed worker leaves them running; the next host re-adopts them (pid plus kernel
 * start time, or the GENNAKER_INSTANCE_ID in their environment) or restarts them.
 */
export class LocalHost {
  private runner: QueryRunner | null = null;
  private electionTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private ticking = false;
  private stopped = false;
  private readonly supervised = new Map<string, Supervised>();
  private readonly balancers = new Map<string, LoadBalancerServer>();
  private readonly inflight = new Map<string, number>();
  private readonly metrics = new MetricsRecorder();
  private readonly images = new Map<string, LocalImageEntity>();
  private readonly listenRetryAt = new Map<string, number>();
  private lastFlush = 0;
  private lastRoutedMark = 0;
  private lastPrune = 0;
  /** Chaos (issue 9): off unless GENNAKER_LOCAL_CHAOS is set; see chaos.util.ts. */
  private readonly chaos = chaosFromEnv();
  private readonly reaper: OrphanReaper | null;

  constructor(
    private readonly repo: LocalStateRepository,
    private readonly o: LocalHostOptions,
  ) {
    this.reaper = o.orphanGraceMs > 0 ? new OrphanReaper(o.dataDir, o.hostKey, o.orphanGraceMs) : null;
  }

  private beat(): void {
    try {
      this.reaper?.beat([...this.supervised.values()].filter((s) => s.exit === null).map((s) => s.pid));
    } catch (err) {
      this.o.log.warn(`local provider: heartbeat failed: ${errorMessage(err)}`);
    }
  }

  get isHost(): boolean {
    return this.runner !== null;
  }

  /** Starts trying to become the host; returns at once. */
  start(): void {
    this.stopped = false;
    mkdirSync(join(this.o.dataDir, 'logs'), { recursive: true });
    void this.elect();
  }

  private async elect(): Promise<void> {
    if (this.stopped || this.runner) return;
    const runner = this.repo.ds.createQueryRunner();
    try {
      await runner.connect();
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1) AS ok', [HOST_LOCK])) as Array<{ ok: boolean }>;
      if (row?.ok && !this.stopped) {
        this.runner = runner;
        this.o.log.log(`local provider: this process (${process.pid}) is the local host`);
        await this.adopt();
        this.reaper?.ensure();
        this.beat();
        this.scheduleTick(0);
        return;
      }
      await runner.release();
    } catch (err) {
      this.o.log.warn(`local provider: host election failed: ${errorMessage(err)}`);
      await runner.release().catch(() => undefined);
    }
    if (!this.stopped) {
      this.electionTimer = setTimeout(() => void this.elect(), ELECTION_INTERVAL_MS);
      this.electionTimer.unref();
    }
  }

  /** After a host change: keep the instances that still run, find unrecorded ones, stop strays. */
  private async adopt(): Promise<void> {
    const rows = await this.repo.instances();
    const found = scanInstanceProcesses(this.o.hostKey);
    for (const row of rows) {
      const pid = row.pid ?? found.get(row.id) ?? null;
      found.delete(row.id);
      if (pid !== null && isAlive(pid, row.pid === pid ? row.startToken : null)) {
        this.supervised.set(row.id, this.newSupervised(row.id, pid, startToken(pid), null));
        if (row.pid !== pid) {
          row.pid = pid;
          row.startToken = startToken(pid);
          await this.repo.saveInstance(row);
        }
        this.o.log.log(`local provider: adopted ${row.serverGroup} instance ${row.id} (pid ${pid})`);
      } else if (row.state !== 'crashed' && row.state !== 'stopping') {
        // Died while nobody watched (or stopped with its host): start again now.
        row.pid = null;
        row.startToken = null;
        row.state = 'crashed';
        row.nextStartAt = new Date();
        row.healthReason = 'its process was gone when this host took over';
        await this.repo.saveInstance(row);
      }
    }
    for (const [id, pid] of found) {
      this.o.log.warn(`local provider: stopping stray instance process ${pid} (${id}), which no server group owns`);
      killGroup(pid, 'SIGKILL');
    }
  }

  private scheduleTick(delay: number): void {
    if (this.stopped || !this.runner) return;
    this.tickTimer = setTimeout(() => void this.tick(), delay);
    this.tickTimer.unref();
  }

  private async tick(): Promise<void> {
    if (this.ticking || !this.runner) return;
    this.ticking = true;
    try {
      await this.runner.query('SELECT 1');
      await this.reconcile();
      this.beat();
      const now = Date.now();
      if (now - this.lastFlush >= 1000) {
        this.lastFlush = now;
        await this.metrics.flush(this.repo).catch((err: unknown) => this.o.log.warn(`local provider: metrics flush failed: ${errorMessage(err)}`));
      }
      if (now - this.lastPrune > 3600_000) {
        this.lastPrune = now;
        await this.repo.pruneMetrics(new Date(now - METRICS_RETENTION_MS)).catch(() => undefined);
      }
    } catch (err) {
      this.o.log.error(`local provider: host tick failed: ${errorMessage(err)}`);
      if (this.runner && !(await this.connectionAlive())) {
        await this.stepDown();
        return;
      }
    } finally {
      this.ticking = false;
    }
    this.scheduleTick(this.o.tickMs);
  }

  private async connectionAlive(): Promise<boolean> {
    try {
      await this.runner?.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Lost the database connection (and with it the lock): let another worker be the host. */
  private async stepDown(): Promise<void> {
    this.o.log.warn('local provider: lost the host lock; stepping down (instances keep running for the next host)');
    for (const lb of this.balancers.values()) await lb.close().catch(() => undefined);
    this.balancers.clear();
    this.supervised.clear();
    await this.runner?.release().catch(() => undefined);
    this.runner = null;
    if (!this.stopped) this.electionTimer = setTimeout(() => void this.elect(), ELECTION_INTERVAL_MS);
  }

  private async reconcile(): Promise<void> {
    const now = Date.now();
    // Read before the state: every change committed before `readAt` is in what the tick routes.
    const routing = await this.repo.routing();
    const readAt = routing.now;
    const [groups, rows, lbs] = await Promise.all([this.repo.groups(), this.repo.instances(), this.repo.loadBalancers()]);
    const groupKey = (a: string, r: string, n: string): string => `${a}/${r}/${n}`;
    const byKey = new Map(groups.map((g) => [groupKey(g.account, g.region, g.name), g]));
    const rowsByGroup = new Map<string, LocalInstanceEntity[]>();
    for (const row of rows) {
      const k = groupKey(row.account, row.region, row.serverGroup);
      rowsByGroup.set(k, [...(rowsByGroup.get(k) ?? []), row]);
    }

    // 1. Observe processes and apply health results.
    for (const row of rows) {
      const before = JSON.stringify(row);
      const group = byKey.get(groupKey(row.account, row.region, row.serverGroup));
      if (!group || group.state !== 'active') this.requestStop(row);
      this.observe(row, group, now);
      if (JSON.stringify(row) !== before) await this.repo.saveInstance(row);
    }

    // Chaos: SIGKILL some instances of chosen groups; step 1 of a later tick sees them crashed and restarts them.
    this.chaos?.tick(now, rows, (id) => this.supervised.get(id)?.pid, (id) => this.inflight.get(id) ?? 0, this.o.log);

    // 2. Scale each group to its desired capacity; restart crashed instances when their backoff is over.
    for (const group of groups) {
      const k = groupKey(group.account, group.region, group.name);
      const mine = rowsByGroup.get(k) ?? [];
      if (group.state !== 'active') {
        if (mine.length === 0) await this.repo.deleteGroup(group.account, group.region, group.name);
        continue;
      }
      const plan = planScale(
        mine.map((r) => ({ id: r.id, state: r.state as InstanceState, launchedAt: r.launchedAt.getTime(), restarts: r.restarts })),
        group.capacity.desired,
      );
      for (const id of plan.stop) {
        const row = mine.find((r) => r.id === id) as LocalInstanceEntity;
        this.requestStop(row);
        await this.repo.saveInstance(row);
      }
      for (let i = 0; i < plan.start; i++) await this.launch(group, null);
      for (const row of mine) {
        if (row.state === 'crashed' && (row.nextStartAt === null || row.nextStartAt.getTime() <= now) && !plan.stop.includes(row.id)) await this.launch(group, row);
      }
    }

    // 3. Load balancers: one per row, routing to healthy instances of enabled groups. Updated
    // before anything is stopped, so a stopping instance gets no new request.
    await this.syncBalancers(lbs, groups, rows);
    // Confirmed when a change waits for it, and every few seconds as the host's sign of life.
    if (routing.appliedAt === null || (routing.requestedAt !== null && routing.requestedAt > routing.appliedAt) || now - this.lastRoutedMark >= ROUTED_MARK_EVERY_MS) {
      await this.repo.markRouted(readAt);
      this.lastRoutedMark = now;
    }

    // 4. Stop what must stop, one tick after it left the balancers: drained (or out of time) ->
    // SIGTERM to its process group -> SIGKILL.
    for (const row of rows) {
      if (row.state !== 'stopping') continue;
      const s = this.supervised.get(row.id);
      if (!s || s.exit || !isAlive(s.pid, s.token)) {
        this.supervised.delete(row.id);
        this.inflight.delete(row.id);
        await this.repo.deleteInstance(row.id);
        continue;
      }
      s.stopRequestedAt ??= now;
      if (s.stopRequestedAt >= now) continue;
      const drained = (this.inflight.get(row.id) ?? 0) === 0 || now - s.stopRequestedAt > this.o.drainTimeoutMs;
      if (s.termAt === null && drained) {
        s.termAt = now;
        killGroup(s.pid, 'SIGTERM');
      } else if (s.termAt !== null && now - s.termAt > KILL_AFTER_TERM_MS) {
        killGroup(s.pid, 'SIGKILL');
      }
    }
  }

  /** Process liveness and HTTP health of one instance (mutates the row). */
  private observe(row: LocalInstanceEntity, group: LocalServerGroupEntity | undefined, now: number): void {
    const s = this.supervised.get(row.id);
    const state = row.state as InstanceState;
    if (state === 'starting' || state === 'up' || state === 'down') {
      const dead = !s || s.exit !== null || !isAlive(s.pid, s.token);
      if (dead) {
        const exit = s?.exit ?? { code: null, signal: null };
        row.restarts += 1;
        const delay = restartDelayMs(row.restarts);
        row.state = 'crashed';
        row.pid = null;
        row.startToken = null;
        row.nextStartAt = new Date(now + delay);
        row.lastExit = { code: exit.code, signal: exit.signal, at: new Date(now).toISOString() };
        const how = exit.signal ? `was killed by ${exit.signal}` : exit.code !== null ? `exited with code ${exit.code}` : 'is gone';
        row.healthReason =
          row.restarts >= CRASH_LOOP_AFTER
            ? `crash loop: the process ${how} (${row.restarts} times in a row); next restart in ${Math.round(delay / 100) / 10} s`
            : `the process ${how}; restarting in ${Math.round(delay / 100) / 10} s`;
        this.supervised.delete(row.id);
        this.o.log.warn(`local provider: ${row.serverGroup} instance ${row.id} ${how} (restart ${row.restarts})`);
        return;
      }
      if (s.health && !s.checking) {
        const next = afterHealthCheck({
          state,
          ok: s.health.ok,
          failures: s.failures,
          startedAt: (row.startedAt ?? row.launchedAt).getTime(),
          gracePeriodMs: (group?.gracePeriodSec ?? 60) * 1000,
          now,
          detail: s.health.detail,
        });
        s.failures = next.failures;
        s.health = null;
        row.state = next.state;
        row.healthReason = next.reason;
      }
      if (row.state === 'up' && row.restarts > 0 && now - (row.startedAt ?? row.launchedAt).getTime() > STABLE_AFTER_MS) row.restarts = 0;
      if (group && now - s.lastCheck >= this.o.healthIntervalMs && !s.checking) this.check(s, row.port, group.healthCheckPath);
    }
  }

  private check(s: Supervised, port: number, path: string): void {
    s.checking = true;
    s.lastCheck = Date.now();
    const done = (ok: boolean, detail: string): void => {
      s.health = { ok, detail };
      s.checking = false;
    };
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: Math.min(2000, this.o.healthIntervalMs * 2) }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      done(code >= 200 && code < 400, `GET ${path}: ${code}`);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => done(false, `GET ${path}: ${err.code ?? err.message}`));
    req.end();
  }

  private requestStop(row: LocalInstanceEntity): void {
    if (row.state === 'stopping') return;
    row.state = 'stopping';
    row.healthReason = 'stopping';
    const s = this.supervised.get(row.id);
    if (s) s.stopRequestedAt = Date.now();
  }

  /** Starts a new instance (row null) or restarts a crashed one, on a fresh port. */
  private async launch(group: LocalServerGroupEntity, existing: LocalInstanceEntity | null): Promise<void> {
    const image = await this.image(group.imageId);
    const now = new Date();
    const id = existing?.id ?? `i-${randomBytes(5).toString('hex')}`;
    const logPath = join(this.o.dataDir, 'logs', `${group.name}-${id}.log`);
    const port = await freePort(this.o.bindHost === '0.0.0.0' ? '0.0.0.0' : '127.0.0.1');
    const row: LocalInstanceEntity = existing ?? {
      id,
      account: group.account,
      region: group.region,
      serverGroup: group.name,
      port,
      pid: null,
      startToken: null,
      state: 'starting',
      healthReason: null,
      restarts: 0,
      nextStartAt: null,
      launchedAt: now,
      startedAt: null,
      lastExit: null,
      logPath,
    };
    row.port = port;
    if (!image || !existsSync(image.path)) {
      row.state = 'crashed';
      row.restarts += 1;
      row.nextStartAt = new Date(now.getTime() + restartDelayMs(row.restarts));
      row.healthReason = `image ${group.imageId} is missing from ${this.o.dataDir}/images`;
      await this.repo.saveInstance(row);
      return;
    }
    // Recorded before the process exists: a host dying right after spawn leaves a row to adopt by.
    row.state = 'starting';
    row.pid = null;
    row.startedAt = now;
    row.nextStartAt = null;
    row.healthReason = null;
    await this.repo.saveInstance(row);
    rotate(row.logPath);
    const out = openSync(row.logPath, 'a');
    const { file, args } = instanceArgv(image.command, image.path, process.execPath);
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: image.path,
        detached: true,
        stdio: ['ignore', out, out],
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: process.env['HOME'] ?? '/tmp',
          LANG: process.env['LANG'] ?? 'C.UTF-8',
          ...image.env,
          ...group.env,
          PORT: String(port),
          GENNAKER_SERVER_GROUP: group.name,
          GENNAKER_CLUSTER: group.cluster,
          GENNAKER_INSTANCE_ID: id,
          GENNAKER_LOCAL_HOST: this.o.hostKey,
        },
      });
    } finally {
      closeSync(out);
    }
    const s = this.newSupervised(id, child.pid ?? -1, null, child);
    child.once('exit', (code, signal) => {
      s.exit = { code, signal };
    });
    child.once('error', (err) => {
      s.exit = { code: null, signal: null };
      this.o.log.warn(`local provider: cannot start ${image.command.join(' ')}: ${err.message}`);
    });
    child.unref();
    if (child.pid === undefined) {
      s.exit = { code: null, signal: null };
      return;
    }
    s.token = startToken(child.pid);
    this.supervised.set(id, s);
    row.pid = child.pid;
    row.startToken = s.token;
    await this.repo.saveInstance(row);
  }

  private newSupervised(id: string, pid: number, token: string | null, child: ChildProcess | null): Supervised {
    return { id, pid, token, child, exit: null, failures: 0, lastCheck: 0, checking: false, health: null, stopRequestedAt: null, termAt: null };
  }

  private async image(id: string): Promise<LocalImageEntity | null> {
    const cached = this.images.get(id);
    if (cached) return cached;
    const row = await this.repo.image(id);
    if (row) this.images.set(id, row);
    return row;
  }

  private async syncBalancers(lbs: Awaited<ReturnType<LocalStateRepository['loadBalancers']>>, groups: LocalServerGroupEntity[], rows: LocalInstanceEntity[]): Promise<void> {
    const wanted = new Set(lbs.map((lb) => `${lb.account}/${lb.region}/${lb.name}`));
    for (const [k, server] of this.balancers) {
      if (!wanted.has(k)) {
        this.balancers.delete(k);
        await server.close();
      }
    }
    for (const lb of lbs) {
      const k = `${lb.account}/${lb.region}/${lb.name}`;
      let server = this.balancers.get(k);
      if (server && server.port !== lb.port) {
        await server.close();
        this.balancers.delete(k);
        server = undefined;
      }
      if (!server) {
        if ((this.listenRetryAt.get(k) ?? 0) > Date.now()) continue;
        server = new LoadBalancerServer(lb.name, lb.account, lb.region, lb.port, this.o.bindHost, this.metrics, this.inflight);
        try {
          await server.listen();
          this.balancers.set(k, server);
          this.o.log.log(`local provider: load balancer ${lb.name} listens on http://${this.o.bindHost}:${lb.port}`);
        } catch (err) {
          this.o.log.error(`local provider: load balancer ${lb.name} cannot listen on port ${lb.port}: ${errorMessage(err)} (retrying in 5 s)`);
          this.listenRetryAt.set(k, Date.now() + 5000);
          continue;
        }
      }
      const members = groups.filter((g) => g.state === 'active' && g.enabled && g.account === lb.account && g.region === lb.region && g.loadBalancers.includes(lb.name));
      const routesIn = (states: string[]): RouteGroup[] =>
        members.map((g) => ({
          name: g.name,
          targets: rows
            .filter((r) => r.account === g.account && r.region === g.region && r.serverGroup === g.name && states.includes(r.state))
            .map((r) => ({ id: r.id, port: r.port })),
        }));
      let routes = routesIn(['up']);
      // Fail open, as AWS load balancers do: when no instance passes its health check (a health
      // endpoint too slow on a starved machine), running ones are better than none.
      if (routes.every((r) => r.targets.length === 0)) routes = routesIn(['down']);
      server.setTable({ groups: routes, weights: lb.weights });
    }
  }

  /** Ports the load balancers this host serves listen on (for status pages). */
  listening(): Array<{ name: string; port: number }> {
    return [...this.balancers.values()].filter((b) => b.listening).map((b) => ({ name: b.name, port: b.port }));
  }

  /**
   * A clean shutdown: balancers closed, metrics flushed, lock released; instances stopped (their
   * rows wait to be started by the next host) unless `stopInstancesOnShutdown` is off.
   */
  async stop(options: { stopInstances?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    if (this.tickTimer) clearTimeout(this.tickTimer);
    while (this.ticking) await new Promise((r) => setTimeout(r, 20));
    if (!this.runner) return;
    for (const lb of this.balancers.values()) await lb.close().catch(() => undefined);
    this.balancers.clear();
    await this.metrics.flush(this.repo, true).catch(() => undefined);
    if (options.stopInstances ?? this.o.stopInstancesOnShutdown) await this.stopAllInstances();
    // Clean stop: nothing for the reaper to do (instances left running on purpose are the next host's).
    this.reaper?.stop();
    await this.runner.query('SELECT pg_advisory_unlock($1)', [HOST_LOCK]).catch(() => undefined);
    await this.runner.release().catch(() => undefined);
    this.runner = null;
  }

  private async stopAllInstances(): Promise<void> {
    const rows = await this.repo.instances().catch(() => [] as LocalInstanceEntity[]);
    const pids = new Map<string, { pid: number; token: string | null }>();
    for (const s of this.supervised.values()) pids.set(s.id, { pid: s.pid, token: s.token });
    for (const r of rows) if (r.pid !== null && !pids.has(r.id)) pids.set(r.id, { pid: r.pid, token: r.startToken });
    for (const { pid, token } of pids.values()) if (isAlive(pid, token)) killGroup(pid, 'SIGTERM');
    const deadline = Date.now() + KILL_AFTER_TERM_MS;
    while (Date.now() < deadline && [...pids.values()].some((p) => isAlive(p.pid, p.token))) await new Promise((r) => setTimeout(r, 50));
    for (const { pid, token } of pids.values()) if (isAlive(pid, token)) killGroup(pid, 'SIGKILL');
    for (const r of rows) {
      if (r.state === 'stopping') {
        await this.repo.deleteInstance(r.id).catch(() => undefined);
        continue;
      }
      r.pid = null;
      r.startToken = null;
      r.state = 'crashed';
      r.nextStartAt = new Date();
      r.healthReason = 'stopped with its host; starts again when a host starts';
      await this.repo.saveInstance(r).catch(() => undefined);
    }
    this.supervised.clear();
  }
}

/** Keeps instance logs bounded: past 5 MB the log moves to .1 (one generation kept). */
function rotate(path: string): void {
  try {
    if (statSync(path).size > 5 * 1024 * 1024) renameSync(path, `${path}.1`);
  } catch {
    // no log yet
  }
}
