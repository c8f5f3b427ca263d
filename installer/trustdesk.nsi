; TrustDesk's Windows installer (NSIS 3, Unicode, 64-bit): one setup.exe from PyInstaller's dist\TrustDesk.
;
; Per user, no admin rights: the program goes to %LOCALAPPDATA%\Programs\TrustDesk, the shortcuts to
; the user's Start menu, the uninstall entry to HKCU (Settings > Apps lists it). Uninstalling removes
; the program folder, the shortcuts and that entry only: each person's databases, settings and logs
; in %LOCALAPPDATA%\TrustDesk\TrustDesk (platformdirs) stay.
;
; Built on Windows (NSIS 3 from nsis.sourceforge.io), from the repository root after PyInstaller:
;   makensis /DAppVersion=0.1.0 installer\trustdesk.nsi
; or on Linux with Debian's nsis package (scripts/windows_build.sh does this in CI):
;   makensis -DAppVersion=0.1.0 -DDistDir=... -DIconFile=... -DOutFile=... installer/trustdesk.nsi
; Silent install and uninstall, for IT teams: TrustDesk-0.1.0-setup.exe /S, then Uninstall.exe /S.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef AppVersion
  !define AppVersion "0.1.0"
!endif
!ifndef DistDir
  !define DistDir "..\dist\TrustDesk"
!endif
!ifndef IconFile
  !define IconFile "..\build\build_installer\generated\TrustDesk.ico"
!endif
!ifndef OutFile
  !define OutFile "..\dist\TrustDesk-${AppVersion}-setup.exe"
!endif
!define UninstallKey "Software\Microsoft\Windows\CurrentVersion\Uninstall\TrustDesk"

Name "TrustDesk"
OutFile "${OutFile}"
InstallDir "$LOCALAPPDATA\Programs\TrustDesk"
InstallDirRegKey HKCU "${UninstallKey}" "InstallLocation"
RequestExecutionLevel user
Icon "${IconFile}"
UninstallIcon "${IconFile}"
BrandingText "TrustDesk ${AppVersion}"

!include "MUI2.nsh"
!define MUI_ICON "${IconFile}"
!define MUI_UNICON "${IconFile}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\TrustDesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start TrustDesk"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; Explorer > Properties > Details of the setup.exe (the program's own come from build_installer.spec).
VIProductVersion "${AppVersion}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "TrustDesk"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "TrustDesk ${AppVersion} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${AppVersion}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${AppVersion}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "TrustDesk"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "© TrustDesk contributors"

Section "TrustDesk"
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the bundle whole: files a newer build no longer has must not linger.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DistDir}\*.*"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateDirectory "$SMPROGRAMS\TrustDesk"
  CreateShortCut "$SMPROGRAMS\TrustDesk\TrustDesk.lnk" "$INSTDIR\TrustDesk.exe"
  CreateShortCut "$SMPROGRAMS\TrustDesk\TrustDesk demo trust.lnk" "$INSTDIR\TrustDesk.exe" "--demo"
  WriteRegStr HKCU "${UninstallKey}" "DisplayName" "TrustDesk"
  WriteRegStr HKCU "${UninstallKey}" "DisplayVersion" "${AppVersion}"
  WriteRegStr HKCU "${UninstallKey}" "Publisher" "TrustDesk"
  WriteRegStr HKCU "${UninstallKey}" "DisplayIcon" "$INSTDIR\TrustDesk.exe"
  WriteRegStr HKCU "${UninstallKey}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UninstallKey}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UninstallKey}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UninstallKey}" "NoModify" 1
  WriteRegDWORD HKCU "${UninstallKey}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; The program only. The user's data folder (%LOCALAPPDATA%\TrustDesk) is theirs: never removed here.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\TrustDesk.exe"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\TrustDesk"
  DeleteRegKey HKCU "${UninstallKey}"
SectionEnd
