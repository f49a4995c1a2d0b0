package dev.secureconnect.appliance.files;

import dev.secureconnect.appliance.ApplianceException;
import dev.secureconnect.appliance.audit.ApplianceAuditEvent;
import dev.secureconnect.appliance.audit.ApplianceAuditLog;
import dev.secureconnect.appliance.config.ApplianceDirectory;
import dev.secureconnect.events.EventType;
import java.nio.file.Path;

/**
 * Allows and removes folders in {@code DIR/folders.json} under the directory's lock, audited, with the same checks
 * whoever asks ({@code sc-appliance files}, the console). The daemon reads the list on every file request, so no
 * reload is needed.
 */
public final class AllowedFolders {

    private AllowedFolders() {}

    /**
     * Allows the existing folder {@code path} (by its real path) read-only, or read-write with {@code write}; allowing
     * a folder again changes its access. Refused: the root folder, and a folder holding or inside the appliance
     * directory.
     */
    public static FolderEntry allow(
            ApplianceDirectory directory, ApplianceAuditLog audit, String actor, Path path, boolean write) {
        Path real = FolderList.realFolder(path);
        if (real.getParent() == null) {
            throw new ApplianceException("the root folder / cannot be allowed: name a folder below it");
        }
        if (real.startsWith(directory.root()) || directory.root().startsWith(real)) {
            throw new ApplianceException("folder " + real + " holds or is inside the appliance directory "
                    + directory.root() + ": allow another folder");
        }
        FolderEntry entry = new FolderEntry(real.toString(), write);
        directory.updateDocument(directory.foldersFile(), FolderList.class, FolderList.EMPTY, folders -> {
            FolderList changed = folders.with(entry);
            audit.append(ApplianceAuditEvent.of(EventType.FOLDER_ALLOWED, actor)
                    .target(entry.path())
                    .reason(entry.access())
                    .detail("path", entry.path())
                    .detail("write", entry.write())
                    .build());
            return changed;
        });
        return entry;
    }

    /** Removes the folder {@code path} names (transfers in progress are not stopped); returns the entry removed. */
    public static FolderEntry remove(ApplianceDirectory directory, ApplianceAuditLog audit, String actor, Path path) {
        FolderEntry[] removed = new FolderEntry[1];
        directory.updateDocument(directory.foldersFile(), FolderList.class, FolderList.EMPTY, folders -> {
            removed[0] =
                    folders.find(path).orElseThrow(() -> new ApplianceException("folder " + path + " is not allowed"));
            FolderList changed = folders.without(removed[0]);
            audit.append(ApplianceAuditEvent.of(EventType.FOLDER_REMOVED, actor)
                    .target(removed[0].path())
                    .detail("path", removed[0].path())
                    .build());
            return changed;
        });
        return removed[0];
    }
}
