"""Reads of personal data, recorded in the tenant's access log (law 09-08).

Pages call `consultation` after resolving what they show: one row per agent read, written in
one statement (a list page of 50 agents, an export of the whole list). The log itself lives in
the audit app (`audit_acces`, partitioned by month, kept `INDIMAJ_ACCES_RETENTION_MOIS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from audit import selectors as audit_selectors
from audit import services as audit_services
from audit.models import AccesDonnees
from modules.personnel import selectors
from modules.unites.perimetres import Perimetre


def consultation(*, acteur: str, nature: str, agent_ids: Iterable[int], details: str = "") -> None:
    """Record that `acteur` read the personal data of these agents (`nature`: fiche, liste,
    export, piece, paie, import). Raises if the row cannot be written: a read that cannot be
    traced is not served."""
    audit_services.acces_enregistrer(
        acteur=acteur, nature=nature, agent_ids=agent_ids, details=details
    )


def consultants_recents(*, agent_id: int, limite: int = 5) -> list[audit_selectors.Consultant]:
    """ "Consulté récemment par": who read this agent's file over the last 90 days."""
    return audit_selectors.consultants_recents(agent_id=agent_id, limite=limite)


@dataclass(frozen=True)
class LigneJournal:
    acces: AccesDonnees
    ppr: str
    nom: str


@dataclass(frozen=True)
class PageJournal:
    lignes: list[LigneJournal]
    suivant: str | None
    agent_inconnu: bool = False


def journal_page(
    *,
    perimetre: Perimetre,
    ppr: str = "",
    acteur: str = "",
    nature: str = "",
    du: date | None = None,
    au: date | None = None,
    apres: str = "",
) -> PageJournal:
    """The access journal's page for the journal's readers (a whole-tenant action): the agent
    filter is a PPR, resolved here; each row names its agent (PPR and name) — two queries plus
    one for the PPR, whatever the page size."""
    agent_ids: tuple[int, ...] | None = None
    if ppr:
        agent = selectors.agent_get_par_ppr(perimetre=perimetre, ppr=ppr)
        if agent is None:
            return PageJournal(lignes=[], suivant=None, agent_inconnu=True)
        agent_ids = (agent.id,)
    page = audit_selectors.acces_page(
        filtres=audit_selectors.FiltresAcces(
            agent_ids=agent_ids, acteur=acteur, nature=nature, du=du, au=au
        ),
        apres=apres,
    )
    ids = sorted({ligne.agent_id for ligne in page.lignes})
    noms = {
        ident: (ppr_agent, f"{nom} {prenom}")
        for ident, ppr_agent, nom, prenom in selectors.agents_scopes(perimetre=perimetre)
        .filter(id__in=ids)
        .values_list("id", "ppr", "nom_fr", "prenom_fr")
    }
    return PageJournal(
        lignes=[
            LigneJournal(
                acces=ligne,
                ppr=noms.get(ligne.agent_id, ("", ""))[0],
                nom=noms.get(ligne.agent_id, ("", ""))[1],
            )
            for ligne in page.lignes
        ],
        suivant=page.suivant,
    )
