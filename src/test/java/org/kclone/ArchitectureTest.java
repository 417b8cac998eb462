package org.kclone;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The layering rules of the project, enforced on the compiled classes. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.kclone");

    @Test
    void theEngineDoesNotUseJavaFx() {
        noClasses().that().resideInAPackage("org.kclone.engine..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(MAIN);
    }

    @Test
    void theEngineDependsOnNoOtherPackageOfOurs() {
        noClasses().that().resideInAPackage("org.kclone.engine..")
                .should().dependOnClassesThat(resideInAPackage("org.kclone..")
                        .and(not(resideInAPackage("org.kclone.engine.."))))
                .check(MAIN);
    }

    @Test
    void theHelperKnowsNothingOfTheWindowOrTheCommandLine() {
        noClasses().that().resideInAPackage("org.kclone.helper..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.kclone.ui..", "org.kclone.cli..")
                .check(MAIN);
    }
}
