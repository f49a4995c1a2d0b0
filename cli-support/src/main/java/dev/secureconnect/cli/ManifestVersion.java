package dev.secureconnect.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --version} of an sc-* tool: its name and the version in its jar's manifest ("development" from classes). */
public final class ManifestVersion implements CommandLine.IVersionProvider {

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        CommandSpec root = spec.root();
        return new String[] {root.name() + " " + of(root.userObject().getClass())};
    }

    /** The implementation version in the manifest of the jar {@code type} was loaded from, or "development". */
    public static String of(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
