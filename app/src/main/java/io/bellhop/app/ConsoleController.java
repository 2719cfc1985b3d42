package io.bellhop.app;

import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/**
 * {@code GET /}: the live operations console. Its assets and the browser client it imports are
 * static resources under {@code /console/} (application.yml); signing in needs a token, so the page
 * itself is public.
 */
@Controller
@Secured(SecurityRule.IS_ANONYMOUS)
final class ConsoleController {
  private final ResourceResolver resources;

  ConsoleController(ResourceResolver resources) {
    this.resources = resources;
  }

  @Get(produces = MediaType.TEXT_HTML)
  HttpResponse<StreamedFile> index() {
    return resources
        .getResource("classpath:console/index.html")
        .map(url -> HttpResponse.ok(new StreamedFile(url)).contentType(MediaType.TEXT_HTML_TYPE))
        .orElseGet(HttpResponse::notFound);
  }
}
