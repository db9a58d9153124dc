/* Wine 8 has no bcryptprimitives.dll, and Rust's standard library (1.78 and later) imports
   ProcessPrng from it: without this stand-in every Rust program stops at start under Wine.
   ProcessPrng here is advapi32's RtlGenRandom (SystemFunction036), which Wine has.
   Built by .ci/wine-test with mingw-w64; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        /* RtlGenRandom takes a 32-bit length. */
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
