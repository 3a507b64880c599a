import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { Connection, type ConnectionLimits } from './connection.js';
import type { RequestDispatcher } from './request-dispatcher.js';

export interface SocketServerOptions extends ConnectionLimits {
  readonly host: string;
  readonly port: number;
  /** max.connections */
  readonly connectionsMax: number;
  /** max.connections.per.ip */
  readonly connectionsPerIpMax: number;
}

/** How long shutdown waits for in-flight requests (long-poll fetches included) before cutting connections. */
const SHUTDOWN_DRAIN_TIMEOUT_MS = 5_000;

/**
 * The TCP listener: accepts connections within max.connections and
 * max.connections.per.ip (an extra connection is closed at once, as Kafka
 * does for per-IP limits), and hands each socket to a Connection.
 */
export class SocketServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private nextConnectionId = 1;

  constructor(
    private readonly options: SocketServerOptions,
    private readonly dispatcher: RequestDispatcher,
    private readonly logger: Logger,
  ) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Binds and resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host, port: this.options.port }, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : this.options.port);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting, lets every connection answer what it already read, then closes them. */
  async shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const drained = Promise.all([...this.connections].map((c) => c.drainAndClose()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_DRAIN_TIMEOUT_MS);
    });
    await Promise.race([drained, timeout]);
    clearTimeout(timer);
    for (const c of this.connections) c.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = this.perIp.get(ip) ?? 0;
    if (this.connections.size >= this.options.connectionsMax || fromIp >= this.options.connectionsPerIpMax) {
      this.logger.warn('connection refused: limit reached', {
        remote: ip,
        connections: this.connections.size,
        fromIp,
      });
      socket.destroy();
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    const id = this.nextConnectionId++;
    const connection = new Connection(
      id,
      `${ip}:${socket.remotePort}`,
      socket,
      this.dispatcher,
      this.options,
      this.logger,
    );
    this.connections.add(connection);
    socket.once('close', () => {
      this.connections.delete(connection);
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
  }
}
