package fr.hautegaronne.solr;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs a standalone Solr 9 node for CKAN on 127.0.0.1 using Solr's own servlet
 * stack on embedded Jetty ({@link JettySolrRunner}).
 *
 * <p>Usage: {@code java -cp <classpath> fr.hautegaronne.solr.SolrLauncher <solrHome> <port>}
 *
 * <p>Cores are discovered from {@code core.properties} files below the solr home.
 * Once every core is loaded the launcher prints {@code SOLR READY http://127.0.0.1:<port>/solr}
 * on stdout. SIGTERM / SIGINT stop Jetty and close the cores cleanly.
 *
 * <p>Exit codes: 2 bad arguments, 3 port already in use, 4 a core failed to load,
 * 1 any other start-up failure.
 */
public final class SolrLauncher {

  private static final String HOST = "127.0.0.1";

  private SolrLauncher() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      fail(2, "usage: SolrLauncher <solrHome> <port>");
    }
    Path solrHome = Path.of(args[0]).toAbsolutePath().normalize();
    int port = parsePort(args[1]);
    if (!Files.isRegularFile(solrHome.resolve("solr.xml"))) {
      fail(2, "no solr.xml in solr home " + solrHome + " (run: scripts/solr.sh setup)");
    }
    if (!isPortFree(port)) {
      fail(3, "port " + port + " on " + HOST + " is already in use");
    }

    JettyConfig config =
        JettyConfig.builder()
            .setPort(port)
            .setContext("/solr")
            // We install our own shutdown hook so that cores are closed before exit.
            .stopAtShutdown(false)
            // Fail at once instead of retrying for a minute when the port is taken.
            .withPortRetryTime(0)
            .useOnlyHttp1(true)
            .build();
    Properties nodeProperties = new Properties();
    nodeProperties.setProperty("solr.solr.home", solrHome.toString());
    JettySolrRunner runner = new JettySolrRunner(solrHome.toString(), nodeProperties, config);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    if (runner.isRunning()) {
                      System.out.println("SOLR STOPPING");
                      runner.stop();
                      System.out.println("SOLR STOPPED");
                    }
                  } catch (Exception e) {
                    System.err.println("SOLR ERROR: shutdown failed: " + e);
                  } finally {
                    System.out.flush();
                    stopped.countDown();
                  }
                },
                "solr-launcher-shutdown"));

    try {
      runner.start();
    } catch (Exception e) {
      if (hasCause(e, BindException.class)) {
        fail(3, "port " + port + " on " + HOST + " is already in use (" + e.getMessage() + ")");
      }
      e.printStackTrace();
      fail(1, "Jetty/Solr did not start: " + rootMessage(e));
    }

    CoreContainer cores = runner.getCoreContainer();
    if (cores == null) {
      fail(1, "Solr started without a core container (see errors above)");
    }
    Map<String, CoreContainer.CoreLoadFailure> failures = cores.getCoreInitFailures();
    if (!failures.isEmpty()) {
      List<String> messages = new ArrayList<>();
      failures.forEach(
          (name, failure) ->
              messages.add("core '" + name + "' failed to load: " + rootMessage(failure.exception)));
      fail(4, String.join("; ", messages));
    }

    System.out.println(
        "SOLR READY http://" + HOST + ":" + runner.getLocalPort() + "/solr cores="
            + String.join(",", cores.getAllCoreNames()));
    System.out.flush();

    // Jetty's threads keep the JVM alive; wait here until the shutdown hook has run.
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    fail(2, "invalid port: " + value);
    return -1; // unreachable
  }

  /** Probes the port the way Jetty will bind it (127.0.0.1). */
  private static boolean isPortFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static void fail(int code, String message) {
    System.err.println("SOLR ERROR: " + message);
    System.err.flush();
    // Runs the shutdown hook, which stops Jetty and closes the cores if they were started.
    System.exit(code);
  }
}
