import { createServer } from "node:net";

/** What the bin says about a failed listen: the options it names are the bin's, not startMock's. */
interface ListenOptions {
  host: string;
  port: number;
  spec: string | undefined;
}

/**
 * The error the bin reports when the mock cannot start: startMock's, or Node's own from
 * {@link checkListen}, reworded to name the bin's options. Any other error is returned as it is.
 */
export function startFailure(error: unknown, options: ListenOptions): unknown {
  const failed = error as NodeJS.ErrnoException | undefined;
  if (failed?.code === "EADDRINUSE") {
    return new Error(
      `port ${options.port} is in use (is a mock already running?); choose another with --port, or 0 for any free port`,
    );
  }
  // startMock names its host and port options and carries Node's error as its cause; the bin's
  // own check (checkListen) throws Node's error itself.
  const cause = (failed?.cause ?? failed) as NodeJS.ErrnoException | undefined;
  // Both a listen that fails and a host that does not resolve (syscall getaddrinfo).
  if (cause?.syscall === "listen" || cause?.syscall === "getaddrinfo")
    return new Error(`cannot listen on --host ${options.host} --port ${options.port}: ${cause.message}`);
  const spec = "startMock: cannot read the spec ";
  if (options.spec !== undefined && failed?.message?.startsWith(spec))
    return new Error(`cannot read --spec ${failed.message.slice(spec.length).replace(" (the spec option)", "")}`);
  return error;
}

/**
 * Listens on the host and port once and closes again, so that a port in use or a host this
 * machine cannot bind (or resolve) is reported before Prism is imported, which takes seconds.
 * Rejects with Node's error. startMock listens again, and is reported the same way should the
 * port be taken in between.
 */
export function checkListen(host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
