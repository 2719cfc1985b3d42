package io.bellhop.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModuleSchemaTest {
  @Test
  void aSchemaIsNamedAfterItsModuleAndFindsItsMigrationsUnderDb() {
    assertEquals("classpath:db/uploads", new ModuleSchema("uploads").location());
    assertEquals("collaboration", new ModuleSchema("collaboration").name());
  }

  @Test
  void namesThatAreNotPlainIdentifiersAreRefused() {
    for (String bad :
        new String[] {
          null, "", "Uploads", "1uploads", "up-loads", "up loads", "public;drop", "a".repeat(41)
        }) {
      assertThrows(
          IllegalArgumentException.class, () -> new ModuleSchema(bad), String.valueOf(bad));
    }
  }
}
