/** The composition root: main, configuration, development helpers. */
package io.bellhop.app;
