package dev.secureconnect.appliance.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.appliance.files.AllowedFolders;
import dev.secureconnect.appliance.files.FolderEntry;
import dev.secureconnect.appliance.files.FolderList;
import dev.secureconnect.appliance.internal.Json;
import dev.secureconnect.cli.JsonOutput;
import dev.secureconnect.cli.TextTable;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code files allow|remove|list}: the folders support may read files from (and write to, with {@code --write}),
 * kept in {@code DIR/folders.json} as real paths. Changes are made under the directory's lock and audited; the daemon
 * reads the list on every file request, so no reload is needed.
 */
@Command(
        name = "files",
        description =
                "Lists and changes the folders support may get files from or put files into" + " (default: none).",
        subcommands = {FilesCommand.Allow.class, FilesCommand.Remove.class, FilesCommand.ListFolders.class})
final class FilesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: allow, remove or list");
    }

    @Command(
            name = "allow",
            description = "Allows a folder (and everything below it, as resolved by its real path);"
                    + " read-only unless --write. Allowing a folder again changes its access.")
    static final class Allow implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--path", required = true, paramLabel = "FOLDER", description = "An existing folder.")
        Path path;

        @Option(names = "--write", description = "Support may also put files into it.")
        boolean write;

        Allow(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            FolderEntry entry = AllowedFolders.allow(
                    directory, new ApplianceAuditLog(directory, console.clock()), console.user(), path, write);
            console.out().println("folder " + entry.path() + " allowed " + entry.access());
            return 0;
        }
    }

    @Command(name = "remove", description = "Removes a folder (transfers in progress are not stopped).")
    static final class Remove implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--path", required = true, paramLabel = "FOLDER", description = "The folder as allowed.")
        Path path;

        Remove(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() {
            ApplianceDirectory directory = dir.open();
            FolderEntry removed = AllowedFolders.remove(
                    directory, new ApplianceAuditLog(directory, console.clock()), console.user(), path);
            console.out().println("folder " + removed.path() + " removed");
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the allowed folders.")
    static final class ListFolders implements Callable<Integer> {
        private final Console console;

        @Mixin
        DirOption dir;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        ListFolders(Console console) {
            this.console = console;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            List<FolderEntry> folders = FolderList.read(dir.open()).folders();
            if (json) {
                JsonOutput.print(console.out(), Json.COMPACT, folders);
            } else if (folders.isEmpty()) {
                console.out()
                        .println("no folder is allowed: allow one with 'sc-appliance files allow --dir " + dir.dir
                                + " --path FOLDER [--write]'");
            } else {
                TextTable table = new TextTable("FOLDER", "ACCESS");
                folders.forEach(f -> table.row(f.path(), f.access()));
                table.print(console.out());
            }
            return 0;
        }
    }
}
