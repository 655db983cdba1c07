/**
 * {@code fivefold serve}: a read-only local dashboard of run folders on the JDK's HTTP server.
 * {@link dev.fivefold.cli.serve.Dashboard} serves the pages (runs, one run, compare, an archive's
 * report and a fault trial), a JSON API over the folder, live updates by server-sent events, and
 * Chart.js from its WebJar (offline). {@link dev.fivefold.cli.serve.RunFolders} reads the folders:
 * status, step, metrics; {@link dev.fivefold.cli.serve.Csv} reads CSV files being written.
 * Only files under the root are served: a path that leaves it is refused (403).
 */
package dev.fivefold.cli.serve;
