package gradstep.kernels;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_OPENCL_C_VERSION;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_VENDOR;
import static org.jocl.CL.CL_PLATFORM_VERSION;

import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;
import com.aparapi.device.OpenCLDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Finding OpenCL devices: Aparapi's view (to run kernels) and JOCL's (to list every property). */
public final class Devices {
    private Devices() {
    }

    /** What {@code gradstep devices} shows of one device. */
    public record Info(String platform, String platformVendor, String platformVersion, String name, String vendor,
                       String type, int computeUnits, long globalMemBytes, long localMemBytes, long maxWorkGroupSize,
                       String openclC) {
    }

    /** Every OpenCL device of every platform, through JOCL; empty with a reason when there is no OpenCL. */
    public record Listing(List<Info> devices, String problem) {
    }

    public static Listing list() {
        List<Info> out = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                int[] dc = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, dc);
                } catch (org.jocl.CLException e) {
                    continue; // a platform without devices
                }
                cl_device_id[] ds = new cl_device_id[dc[0]];
                CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ds.length, ds, null);
                for (cl_device_id d : ds) {
                    out.add(new Info(platformString(p, CL_PLATFORM_NAME), platformString(p, CL_PLATFORM_VENDOR),
                            platformString(p, CL_PLATFORM_VERSION), deviceString(d, CL_DEVICE_NAME),
                            deviceString(d, CL_DEVICE_VENDOR), typeName(deviceLong(d, CL_DEVICE_TYPE)),
                            (int) deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS), deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                            deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), deviceSizeT(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                            deviceString(d, CL_DEVICE_OPENCL_C_VERSION)));
                }
            }
            return new Listing(out, out.isEmpty() ? "no OpenCL platform has a device" : null);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            // JOCL opens the unversioned libOpenCL.so, which many systems ship only in a -dev package; the
            // loader itself (libOpenCL.so.1) may well be there, and Aparapi finds it: list through Aparapi.
            return aparapiListing();
        } catch (org.jocl.CLException e) {
            return new Listing(out, "no OpenCL platform installed (" + e.getMessage() + ")");
        }
    }

    /** The listing through Aparapi, which lacks the OpenCL C version and the device vendor. */
    static Listing aparapiListing() {
        AparapiLog.install();
        List<Info> out = new ArrayList<>();
        try {
            for (com.aparapi.internal.opencl.OpenCLPlatform p : com.aparapi.internal.opencl.OpenCLPlatform.getUncachedOpenCLPlatforms()) {
                for (OpenCLDevice d : p.getOpenCLDevices()) {
                    out.add(new Info(p.getName(), p.getVendor(), p.getVersion(), d.getName(), "?", d.getType().name(),
                            d.getMaxComputeUnits(), d.getGlobalMemSize(), d.getLocalMemSize(), d.getMaxWorkGroupSize(),
                            "OpenCL C version unknown: JOCL needs libOpenCL.so (apt-get install ocl-icd-opencl-dev)"));
                }
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return new Listing(out, "no OpenCL runtime (libOpenCL.so.1) found");
        }
        return new Listing(out, out.isEmpty() ? "no OpenCL runtime or no device found" : null);
    }

    /** How to get OpenCL when there is none. */
    public static final String HOW_TO_GET_OPENCL = "install an OpenCL driver: your GPU vendor's, or PoCL for the CPU"
            + " (Debian/Ubuntu: apt-get install pocl-opencl-icd ocl-icd-libopencl1)";

    private static String typeName(long t) {
        if ((t & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((t & CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        if ((t & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "ACCELERATOR";
        }
        return "OTHER";
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return new String(buf, 0, Math.max(0, buf.length - 1)).trim();
    }

    private static long deviceLong(cl_device_id d, int param) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        CL.clGetDeviceInfo(d, param, 8, Pointer.to(b), null);
        return b.getLong(0);
    }

    private static long deviceInt(cl_device_id d, int param) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        CL.clGetDeviceInfo(d, param, 4, Pointer.to(b), null);
        return b.getInt(0) & 0xffffffffL;
    }

    private static long deviceSizeT(cl_device_id d, int param) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        CL.clGetDeviceInfo(d, param, org.jocl.Sizeof.size_t, Pointer.to(b), null);
        return org.jocl.Sizeof.size_t == 8 ? b.getLong(0) : b.getInt(0) & 0xffffffffL;
    }

    /** OpenCL devices of a type as Aparapi sees them (empty when there is no OpenCL). */
    public static List<OpenCLDevice> aparapiDevices(Device.TYPE type) {
        AparapiLog.install();
        try {
            List<OpenCLDevice> ds = OpenCLDevice.listDevices(type);
            return ds == null ? List.of() : ds;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return List.of();
        }
    }

    /** The GPU with the most compute units, if any: what {@code auto} and {@code gpu} choose. */
    public static Optional<OpenCLDevice> bestGpu() {
        return aparapiDevices(Device.TYPE.GPU).stream().max(Comparator.comparingInt(OpenCLDevice::getMaxComputeUnits));
    }

    public static Optional<OpenCLDevice> firstCpu() {
        return aparapiDevices(Device.TYPE.CPU).stream().findFirst();
    }

    /** e.g. {@code 'pthread-haswell' (Portable Computing Language, CPU, 2 compute units)}. */
    public static String describe(Device d) {
        if (d instanceof OpenCLDevice o) {
            return "'" + o.getName() + "' (" + o.getOpenCLPlatform().getName() + ", " + o.getType() + ", "
                    + o.getMaxComputeUnits() + " compute units)";
        }
        if (d == JavaDevice.THREAD_POOL) {
            return "Aparapi Java thread pool";
        }
        return String.valueOf(d);
    }
}
