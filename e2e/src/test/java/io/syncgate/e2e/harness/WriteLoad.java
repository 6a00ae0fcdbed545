package io.syncgate.e2e.harness;

import io.syncgate.controller.testing.Await;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Steady writes to whichever member leads: every 100 ms one INSERT of rows of about 1 KB (below the
 * TOAST threshold, so WAL grows by roughly what is written). The JDBC driver finds the primary
 * among all member addresses ({@code targetServerType=primary}), so writes follow a switchover;
 * failures (no leader, etcd down) are counted and the next batch reconnects.
 */
public final class WriteLoad implements AutoCloseable {

  static final int ROW_BYTES = 1024;
  private static final long BATCH_MILLIS = 100;

  private final String url;
  private final Properties props = new Properties();
  private final int rowsPerBatch;
  private final AtomicLong committedRows = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final ScheduledExecutorService writer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "e2e-write-load");
            thread.setDaemon(true);
            return thread;
          });
  private Connection connection;

  private WriteLoad(List<String> addresses, long bytesPerSecond) {
    this.url =
        "jdbc:postgresql://"
            + addresses.stream()
                .map(a -> a + ":" + PatroniMember.PG_PORT)
                .collect(Collectors.joining(","))
            + "/postgres?targetServerType=primary&hostRecheckSeconds=1";
    props.setProperty("user", PatroniCluster.SUPERUSER);
    props.setProperty("password", PatroniCluster.SUPERUSER_PASSWORD);
    props.setProperty("connectTimeout", "1");
    props.setProperty("loginTimeout", "3");
    props.setProperty("socketTimeout", "5");
    props.setProperty("ApplicationName", "syncgate-e2e-writer");
    this.rowsPerBatch = (int) Math.max(1, bytesPerSecond * BATCH_MILLIS / 1000 / ROW_BYTES);
  }

  /**
   * Starts writing about {@code bytesPerSecond} to the leader among the members on {@code
   * addresses} (list addresses of members to come as well).
   */
  public static WriteLoad start(
      PatroniCluster cluster, List<String> addresses, long bytesPerSecond) {
    cluster.execute(
        "CREATE TABLE IF NOT EXISTS e2e_writes"
            + " (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload text)");
    WriteLoad load = new WriteLoad(addresses, bytesPerSecond);
    load.writer.scheduleAtFixedRate(load::batch, 0, BATCH_MILLIS, TimeUnit.MILLISECONDS);
    return load;
  }

  private void batch() {
    try {
      if (connection == null) {
        connection = DriverManager.getConnection(url, props);
      }
      try (Statement statement = connection.createStatement()) {
        // 32 hex characters × 32 = 1 KB of text that does not compress away in the heap.
        statement.executeUpdate(
            "INSERT INTO e2e_writes (payload) SELECT string_agg(md5(random()::text), '')"
                + " FROM generate_series(1, "
                + ROW_BYTES / 32
                + ") CROSS JOIN generate_series(1, "
                + rowsPerBatch
                + ") AS r GROUP BY r");
      }
      committedRows.addAndGet(rowsPerBatch);
    } catch (SQLException e) {
      failedBatches.incrementAndGet();
      lastError.set(e.getMessage());
      closeConnection();
    }
  }

  public long committedRows() {
    return committedRows.get();
  }

  public long failedBatches() {
    return failedBatches.get();
  }

  public String lastError() {
    return lastError.get();
  }

  /** Waits until at least {@code rows} more rows have been committed (the load is flowing). */
  public void awaitProgress(long rows, Duration timeout) {
    long target = committedRows.get() + rows;
    Await.until(
        timeout,
        "the write load to commit " + rows + " more rows (last error: " + lastError.get() + ")",
        () -> committedRows.get() >= target);
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Already broken.
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.shutdownNow();
    }
    closeConnection();
  }

  @Override
  public String toString() {
    return "write load: " + committedRows + " rows committed, " + failedBatches + " batches failed";
  }
}
