package dev.thaw.image.oci;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OCI model, registry and layout packages: oci ← registry, oci ← layout, nothing else. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImagePackagesArchTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.thaw.image");
  }

  @Test
  void oci_dependsOnNeitherRegistryNorLayout() {
    noClasses()
        .that()
        .resideInAPackage("dev.thaw.image.oci..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.thaw.image.registry..", "dev.thaw.image.layout..")
        .check(classes);
  }

  @Test
  void registryAndLayout_independentOfEachOther() {
    noClasses()
        .that()
        .resideInAPackage("dev.thaw.image.registry..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.thaw.image.layout..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.thaw.image.layout..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.thaw.image.registry..")
        .check(classes);
  }

  @Test
  void modelAndTransport_independentOfFormats() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.thaw.image.oci..", "dev.thaw.image.registry..", "dev.thaw.image.layout..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.thaw.image.toc..",
            "dev.thaw.image.estargz..",
            "dev.thaw.image.zstdchunked..",
            "dev.thaw.image.chunk..")
        .check(classes);
  }
}
