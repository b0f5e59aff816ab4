package dev.thaw.indexer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The indexer depends on the image library only: never on the snapshotter or the FUSE layer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.thaw.indexer");

  @Test
  void indexer_dependsOnlyOnImageLibrary() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.thaw.snapshotter..", "dev.thaw.fuse..", "dev.thaw.testimages..")
        .check(CLASSES);
  }

  @Test
  void onlyMain_readsTheEnvironment() {
    noClasses()
        .that()
        .doNotHaveSimpleName("ThawIndexerMain")
        .should()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "getenv")
        .check(CLASSES);
  }
}
