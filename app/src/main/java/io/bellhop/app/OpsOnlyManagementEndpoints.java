package io.bellhop.app;

import io.bellhop.platform.Roles;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.security.rules.SensitiveEndpointRule;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * The sensitive management endpoints (of those switched on, {@code /prometheus}) answer tokens with
 * role {@code ops}; any other token gets 403 and no token 401, in the documented body. The rule
 * follows the endpoint, not a URL pattern: a pattern for {@code /prometheus} missed {@code
 * /prometheus/}, which fell through to Micronaut's placeholder rule and answered 500.
 */
@Singleton
@Replaces(SensitiveEndpointRule.class)
final class OpsOnlyManagementEndpoints extends SensitiveEndpointRule {

  OpsOnlyManagementEndpoints(EndpointSensitivityProcessor endpointSensitivityProcessor) {
    super(endpointSensitivityProcessor);
  }

  @Override
  protected Publisher<SecurityRuleResult> checkSensitiveAuthenticated(
      HttpRequest<?> request, Authentication authentication, ExecutableMethod<?, ?> method) {
    return Publishers.just(
        authentication.getRoles().contains(Roles.OPS)
            ? SecurityRuleResult.ALLOWED
            : SecurityRuleResult.REJECTED);
  }
}
