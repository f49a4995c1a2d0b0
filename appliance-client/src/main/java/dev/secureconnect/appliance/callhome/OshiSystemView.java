package dev.secureconnect.appliance.callhome;

import java.util.ArrayList;
import java.util.List;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/** The machine's facts as OSHI reads them (from {@code /proc} and {@code statvfs} on Linux). */
public final class OshiSystemView implements SystemView {

    private final SystemInfo system = new SystemInfo();

    @Override
    public SystemFacts facts() {
        OperatingSystem os = system.getOperatingSystem();
        CentralProcessor cpu = system.getHardware().getProcessor();
        GlobalMemory memory = system.getHardware().getMemory();
        List<Double> load = new ArrayList<>();
        for (double average : cpu.getSystemLoadAverage(3)) {
            load.add(Math.round(average * 100) / 100.0);
        }
        List<SystemFacts.FileSystem> fileSystems = new ArrayList<>();
        for (OSFileStore store : os.getFileSystem().getFileStores(true)) {
            fileSystems.add(SystemFacts.FileSystem.of(
                    store.getMount(), store.getType(), store.getTotalSpace(), store.getUsableSpace()));
        }
        return new SystemFacts(
                os.toString(),
                os.getSystemUptime(),
                cpu.getLogicalProcessorCount(),
                load,
                memory.getTotal(),
                memory.getAvailable(),
                fileSystems);
    }
}
