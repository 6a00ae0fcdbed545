package io.syncgate.controller.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version for {@code --version}, read from the Maven descriptor that the build puts into the
 * jar, so it cannot drift from the POM. Outside the jar (tests, IDE) there is none.
 */
public final class SyncgateVersion implements IVersionProvider {

  static final String POM_PROPERTIES = "/META-INF/maven/io.syncgate/controller/pom.properties";

  static final String UNPACKAGED = "development build (not from the syncgate jar)";

  @Override
  public String[] getVersion() {
    return new String[] {"syncgate " + version()};
  }

  /** The controller's version, or {@link #UNPACKAGED} when not running from the packaged jar. */
  public static String version() {
    try (InputStream in = SyncgateVersion.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in == null) {
        return UNPACKAGED;
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", UNPACKAGED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + POM_PROPERTIES, e);
    }
  }
}
