package io.bellhop.uploads.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a temporary directory, and what only files have: names and the rename. */
class FileUploadStoreTest extends UploadStoreContract {
  @TempDir Path dir;
  private UploadStore store;

  @Override
  UploadStore store() {
    if (store == null) {
      try {
        store = new FileUploadStore(dir);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return store;
  }

  @Override
  UploadStore anotherNode() throws IOException {
    return new FileUploadStore(dir);
  }

  @Test
  void aPartialUploadIsNeverInTheCompleteDirectoryAndCompletionMovesIt() throws Exception {
    String id = newUpload();
    store().append(id, 0, ByteBuffer.wrap(bytes(10, 1)));
    assertEquals(List.of("partial/" + id), files());
    store().complete(id, 10);
    assertEquals(List.of("complete/" + id), files());
  }

  @Test
  void anIdOutsideTheGrammarNeverReachesAPath() {
    for (String hostile : List.of("../x", "a/b", "..", "x y", "")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> store().append(hostile, 0, ByteBuffer.wrap(new byte[1])),
          hostile);
    }
    assertTrue(files().isEmpty());
  }

  private List<String> files() {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
