package dev.thaw.fuse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The FUSE layer depends on the image library's TOC model only: never on registries, the
 * snapshotter, the indexer or test fixtures; jnr-fuse stays behind this module's API.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.thaw.fuse");

  @Test
  void fuse_neverKnowsRegistriesOrTheSnapshotter() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.thaw.image.registry..",
            "dev.thaw.image.layout..",
            "dev.thaw.snapshotter..",
            "dev.thaw.indexer..",
            "dev.thaw.testimages..")
        .check(CLASSES);
  }

  @Test
  void publicApi_exposesNoJnrFuseTypes() {
    noClasses()
        .that()
        .arePublic()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ru.serce.jnrfuse..", "jnr.ffi..")
        .check(CLASSES);
  }
}
