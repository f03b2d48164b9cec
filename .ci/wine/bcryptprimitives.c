/* A stand-in for Windows' bcryptprimitives.dll, for running the Windows tests under Wine only.
 *
 * Why: Rust's standard library (1.78 and later) takes its random numbers (HashMap's seeds,
 * among others) from ProcessPrng in bcryptprimitives.dll, which every Windows 10 and later
 * has. Wine 8.0 (Debian 12's) has no bcryptprimitives.dll at all, so no Rust program built
 * for Windows starts under it. This one does what the real one does: it fills the buffer from
 * the system's random number generator, RtlGenRandom (exported by advapi32 as
 * SystemFunction036), which Wine has. Newer Wine (9.x) has ProcessPrng of its own.
 *
 * Never shipped with safedesk.exe: .ci/windows.sh builds it with mingw-w64 into the test
 * Wine prefix's system32, where every test binary and every safedesk.exe they start finds it.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
