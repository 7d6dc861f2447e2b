"""Pages of the personnel module. Each part of the module keeps its own URL list."""

from modules.personnel import (
    urls_dossiers,
    urls_ecarts,
    urls_import,
    urls_pieces,
    urls_postes,
    urls_transferts,
)

app_name = "personnel"

urlpatterns = [
    *urls_dossiers.urlpatterns,
    *urls_ecarts.urlpatterns,
    *urls_import.urlpatterns,
    *urls_pieces.urlpatterns,
    *urls_postes.urlpatterns,
    *urls_transferts.urlpatterns,
]
