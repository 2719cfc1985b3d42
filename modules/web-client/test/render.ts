import type { ReactElement } from "react";
import TestRenderer from "react-test-renderer";

/**
 * React 19 deprecates react-test-renderer (for a DOM and @testing-library/react) and says so on
 * every create(). These tests need no DOM, so that one notice is expected; anything else React
 * reports still reaches the output.
 */
export function render(element: ReactElement): TestRenderer.ReactTestRenderer {
  const report = console.error;
  console.error = (...args: unknown[]) => {
    if (!String(args[0]).startsWith("react-test-renderer is deprecated")) report(...args);
  };
  try {
    return TestRenderer.create(element);
  } finally {
    console.error = report;
  }
}
