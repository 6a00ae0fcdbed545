package io.syncgate.e2e.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Plain HTTP GETs for the harness (Patroni's REST API, etcd's health). Patroni 3.0 answers in
 * HTTP/1.0 and closes the connection; the JDK client copes with that.
 */
public final class Http {

  /** One answer; {@code status} 0 means no answer at all (refused, reset, timed out). */
  public record Answer(int status, String body, String error) {
    public boolean ok() {
      return status == 200;
    }

    @Override
    public String toString() {
      return status == 0 ? "no answer (" + error + ")" : status + " " + body;
    }
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private Http() {}

  public static Answer get(String url) {
    try {
      HttpResponse<String> response =
          CLIENT.send(request(url), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(), null);
    } catch (IOException e) {
      return new Answer(0, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, "", "interrupted");
    }
  }

  public static CompletableFuture<Answer> getAsync(String url) {
    return CLIENT
        .sendAsync(request(url), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) ->
                error == null
                    ? new Answer(response.statusCode(), response.body(), null)
                    : new Answer(0, "", error.toString()));
  }

  private static HttpRequest request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
  }
}
