/* ProcessPrng for Wine before 9.0, which lacks bcryptprimitives.dll: Rust's standard library
 * (1.78+) draws its random numbers from it on Windows. Only `make windows-check` uses this, to
 * run the Windows test builds under Wine; Windows itself has the real one. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, in advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
