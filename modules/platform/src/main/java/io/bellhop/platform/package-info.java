/** Shared kernel: the authenticated principal, token verification, tenancy checks and codes. */
package io.bellhop.platform;
