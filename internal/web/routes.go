package web

import "net/http"

type route struct {
	pattern string
	handler http.Handler
}

// routes is every route the server answers, in one place. The OpenAPI test checks that each
// /api/v1 route here is described in openapi.json and each described one is here.
func (s *Server) routes() []route {
	return []route{
		// Operations.
		{"GET /healthz", http.HandlerFunc(s.healthz)},
		{"GET /metrics", http.HandlerFunc(s.metricsWithToken)},
		{"GET /static/", staticHandler()},

		// API description.
		{"GET /api/openapi.json", http.HandlerFunc(s.openapiJSON)},
		{"GET /api/docs", http.HandlerFunc(s.apiDocs)},

		// JSON API: token (or session) authentication; writes need an Idempotency-Key.
		{"GET /api/v1/me", s.api(s.apiMe)},
		{"GET /api/v1/regions", s.api(s.apiRegionSearch)},
		{"GET /api/v1/regions/{code}", s.api(s.apiRegion)},
		{"GET /api/v1/regions/{code}/children", s.api(s.apiRegionChildren)},
		{"GET /api/v1/branches", s.api(s.apiBranches)},
		{"POST /api/v1/branches", s.apiWrite(s.apiCreateBranch)},
		{"GET /api/v1/branches/{id}", s.api(s.apiBranch)},
		{"GET /api/v1/users", s.api(s.apiUsers)},
		{"POST /api/v1/users", s.apiWrite(s.apiCreateUser)},
		{"GET /api/v1/tokens", s.api(s.apiTokens)},
		{"POST /api/v1/tokens", s.apiWrite(s.apiCreateToken)},
		{"DELETE /api/v1/tokens/{id}", s.apiWrite(s.apiRevokeToken)},
		{"GET /api/v1/audit", s.api(s.apiAudit)},
		{"GET /api/v1/audit/who-saw", s.api(s.apiWhoSaw)},

		{"GET /api/v1/wadah", s.api(s.apiWadahList)},
		{"POST /api/v1/wadah", s.apiWrite(s.apiCreateWadah)},
		{"GET /api/v1/wadah/{id}", s.api(s.apiWadah)},
		{"GET /api/v1/agreements", s.api(s.apiAgreements)},
		{"POST /api/v1/agreements", s.apiWrite(s.apiCreateAgreement)},
		{"POST /api/v1/agreements/{id}/activate", s.apiWrite(s.apiActivateAgreement)},
		{"POST /api/v1/agreements/{id}/terminate", s.apiWrite(s.apiTerminateAgreement)},
		{"POST /api/v1/agreements/{id}/renew", s.apiWrite(s.apiRenewAgreement)},
		{"GET /api/v1/agents", s.api(s.apiAgents)},
		{"POST /api/v1/agents", s.apiWrite(s.apiCreateAgent)},
		{"GET /api/v1/agents/{id}", s.api(s.apiAgent)},
		{"POST /api/v1/agents/{id}/status", s.apiWrite(s.apiAgentStatus)},
		{"POST /api/v1/agents/{id}/handover", s.apiWrite(s.apiHandOver)},
		{"POST /api/v1/agents/{id}/cash-limits", s.apiWrite(s.apiAgentCashLimits)},

		{"GET /api/v1/occupations", s.api(s.apiOccupations)},
		{"GET /api/v1/income-table", s.api(s.apiIncomeTable)},
		{"GET /api/v1/participants", s.api(s.apiParticipants)},
		{"POST /api/v1/participants", s.apiWrite(s.apiRegister)},
		{"GET /api/v1/participants/{id}", s.api(s.apiParticipant)},
		{"PATCH /api/v1/participants/{id}", s.apiWrite(s.apiEditParticipant)},
		{"POST /api/v1/participants/{id}/review", s.apiWrite(s.apiReview)},
		{"GET /api/v1/participants/{id}/history", s.api(s.apiHistory)},
		{"GET /api/v1/participants/{id}/card.pdf", s.api(s.cardFile("pdf"))},
		{"GET /api/v1/participants/{id}/card.png", s.api(s.cardFile("png"))},

		{"GET /api/v1/imports", s.api(s.apiImports)},
		{"POST /api/v1/imports", s.apiWrite(s.apiStartImport)},
		{"GET /api/v1/imports/{id}", s.api(s.apiImport)},
		{"GET /api/v1/imports/{id}/report", s.api(s.importReport)},

		{"POST /api/v1/quotes", s.api(s.apiQuote)},
		{"POST /api/v1/benefits/quote", s.api(s.apiBenefitQuote)},
		{"POST /api/v1/incentives/quote", s.api(s.apiIncentiveQuote)},
		{"GET /api/v1/rules", s.api(s.apiRules)},
		{"GET /api/v1/participants/{id}/coverage", s.api(s.apiCoverage)},
		{"GET /api/v1/participants/{id}/payment-preview", s.api(s.apiPaymentPreview)},
		{"GET /api/v1/participants/{id}/payments", s.api(s.apiParticipantPayments)},
		{"POST /api/v1/payments", s.payHandler()},
		{"GET /api/v1/payments/{id}", s.api(s.apiPayment)},
		{"GET /api/v1/payments/{id}/receipt.pdf", s.api(s.receiptPDF)},
		{"POST /api/v1/payments/{id}/reverse", s.apiWrite(s.apiReverse)},
		{"GET /api/v1/ledger/verify", s.api(s.apiLedgerVerify)},
		{"GET /api/v1/agents/{id}/cash", s.api(s.apiAgentCash)},
		{"GET /api/v1/agents/{id}/cash/statement", s.api(s.apiCashStatement)},
		{"GET /api/v1/deposits", s.api(s.apiDeposits)},
		{"POST /api/v1/deposits", s.apiWrite(s.apiRecordDeposit)},
		{"POST /api/v1/deposits/{id}/resolve", s.apiWrite(s.apiResolveVariance)},
		{"POST /api/v1/bank-statements", s.apiWrite(s.apiImportStatement)},
		{"GET /api/v1/bank-lines", s.api(s.apiBankLines)},

		{"GET /api/v1/sponsors", s.api(s.apiSponsors)},
		{"POST /api/v1/sponsors", s.apiWrite(s.apiCreateSponsor)},
		{"GET /api/v1/sponsorships", s.api(s.apiSponsorships)},
		{"POST /api/v1/sponsorships", s.apiWrite(s.apiCreateSponsorship)},
		{"GET /api/v1/sponsorships/ending", s.api(s.apiSponsorshipsEnding)},
		{"POST /api/v1/sponsorships/{id}/charge", s.apiWrite(s.apiChargeSponsorship)},
		{"GET /api/v1/sponsorships/{id}/report", s.api(s.apiSponsorshipReport)},
		{"GET /api/v1/claims", s.api(s.apiClaims)},
		{"POST /api/v1/claims", s.apiWrite(s.apiCreateClaim)},
		{"GET /api/v1/claims/{id}", s.api(s.apiClaim)},
		{"GET /api/v1/claims/{id}/calculation", s.api(s.apiClaimCalculation)},
		{"POST /api/v1/claims/{id}/documents", s.apiWrite(s.apiClaimDocument)},
		{"GET /api/v1/claims/{id}/documents/{doc}", s.api(s.apiClaimDocumentFile)},
		{"POST /api/v1/claims/{id}/{action}", s.apiWrite(s.apiMoveClaim)},
		{"POST /api/v1/claim-payouts", s.apiWrite(s.apiClaimPayout)},

		{"GET /api/v1/incentives/statements", s.api(s.apiIncentiveStatements)},
		{"GET /api/v1/incentives/statements/{id}", s.api(s.apiIncentiveStatement)},
		{"POST /api/v1/incentives/statements/{id}/approve", s.apiWrite(s.apiApproveIncentive)},
		{"POST /api/v1/incentive-payouts", s.apiWrite(s.apiIncentivePayout)},
		{"GET /api/v1/incentives/village-income", s.api(s.apiVillageIncome)},

		{"GET /api/v1/dashboard", s.api(s.apiDashboard)},
		{"GET /api/v1/dashboard/{region_code}", s.api(s.apiDashboard)},
		{"GET /api/v1/dashboard/{region_code}/rankings", s.api(s.apiRankings)},
		{"GET /api/v1/dashboard/{region_code}/targets", s.api(s.apiTargets)},
		{"POST /api/v1/dashboard/targets", s.apiWrite(s.apiSetTarget)},
		{"POST /api/v1/dashboard/potential", s.apiWrite(s.apiSetPotential)},
		{"/api/", http.HandlerFunc(s.apiNotFound)},

		// Public: what a card's QR code opens.
		{"GET /verify/{token}", http.HandlerFunc(s.verify)},
		{"GET /verify/receipt/{token}", http.HandlerFunc(s.verifyReceipt)},
		{"GET /imports/template.csv", http.HandlerFunc(s.importTemplate)},
		{"GET /claim-status", http.HandlerFunc(s.claimStatus)},

		// Web UI: session cookie; forms carry the CSRF token.
		{"GET /login", http.HandlerFunc(s.loginPage)},
		{"POST /login", http.HandlerFunc(s.login)},
		{"POST /logout", s.ui(s.logout)},
		{"GET /lang/{lang}", http.HandlerFunc(s.setLang)},
		{"GET /{$}", s.ui(s.home)},
		{"GET /users", s.ui(s.usersPage)},
		{"POST /users", s.uiWrite(s.createUserForm)},
		{"GET /tokens", s.ui(s.tokensPage)},
		{"POST /tokens", s.uiWrite(s.createTokenForm)},
		{"POST /tokens/{id}/revoke", s.uiWrite(s.revokeTokenForm)},
		{"GET /branches", s.ui(s.branchesPage)},
		{"GET /audit", s.ui(s.auditPage)},
		{"GET /regions", s.ui(s.regionsPage)},
		{"GET /participants", s.ui(s.participantsPage)},
		{"GET /participants/new", s.ui(s.newParticipantPage)},
		{"POST /participants", s.uiWrite(s.registerForm)},
		{"GET /participants/{id}", s.ui(s.participantPage)},
		{"GET /participants/{id}/card.pdf", s.ui(s.cardFile("pdf"))},
		{"GET /participants/{id}/card.png", s.ui(s.cardFile("png"))},
		{"POST /participants/{id}/review", s.uiWrite(s.reviewForm)},
		{"GET /review", s.ui(s.reviewPage)},
		{"GET /wadah", s.ui(s.wadahPage)},
		{"POST /wadah", s.uiWrite(s.createWadahForm)},
		{"GET /agents", s.ui(s.agentsPage)},
		{"POST /agents", s.uiWrite(s.createAgentForm)},
		{"POST /agents/{id}/status", s.uiWrite(s.agentStatusForm)},
		{"POST /agents/{id}/handover", s.uiWrite(s.handOverForm)},
		{"POST /agents/{id}/cash-limits", s.uiWrite(s.cashLimitsForm)},
		{"GET /agreements", s.ui(s.agreementsPage)},
		{"POST /agreements", s.uiWrite(s.createAgreementForm)},
		{"POST /agreements/{id}/{action}", s.uiWrite(s.agreementActionForm)},
		{"GET /imports", s.ui(s.importsPage)},
		{"POST /imports", s.uiWrite(s.importForm)},
		{"GET /imports/{id}", s.ui(s.importPage)},
		{"GET /imports/{id}/report", s.ui(s.importReport)},
		{"GET /participants/{id}/pay", s.ui(s.payPage)},
		{"POST /participants/{id}/pay", s.uiWrite(s.payForm)},
		{"GET /payments/{id}/receipt", s.ui(s.receiptPage)},
		{"GET /payments/{id}/receipt.pdf", s.ui(s.receiptPDF)},
		{"POST /payments/{id}/reverse", s.uiWrite(s.reverseForm)},
		{"GET /deposits", s.ui(s.depositsPage)},
		{"GET /cash", s.ui(s.cashPage)},
		{"GET /agents/{id}/cash", s.ui(s.cashPage)},
		{"POST /deposits", s.uiWrite(s.depositForm)},
		{"POST /deposits/{id}/resolve", s.uiWrite(s.resolveForm)},
		{"POST /bank-statements", s.uiWrite(s.statementForm)},
		{"GET /claims", s.ui(s.claimsPage)},
		{"GET /participants/{id}/claims/new", s.ui(s.newClaimPage)},
		{"POST /participants/{id}/claims", s.uiWrite(s.createClaimForm)},
		{"GET /claims/{id}", s.ui(s.claimPage)},
		{"POST /claims/{id}/documents", s.uiWrite(s.claimDocumentForm)},
		{"GET /claims/{id}/documents/{doc}", s.ui(s.claimDocumentFile)},
		{"POST /claims/{id}/{action}", s.uiWrite(s.moveClaimForm)},
		{"POST /claim-payouts", s.uiWrite(s.payoutForm)},
		{"GET /incentives", s.ui(s.incentivesPage)},
		{"POST /incentives/{id}/approve", s.uiWrite(s.approveIncentiveForm)},
		{"POST /incentive-payouts", s.uiWrite(s.incentivePayoutForm)},
		{"GET /village-income", s.ui(s.villageIncomeFile)},
		{"GET /dashboard", s.ui(s.dashboardPage)},
		{"GET /dashboard/export", s.ui(s.dashboardExport)},
		{"POST /dashboard/potential", s.uiWrite(s.potentialForm)},
		{"POST /dashboard/potential/import", s.uiWrite(s.potentialImportForm)},
		{"POST /dashboard/targets", s.uiWrite(s.targetForm)},
		{"GET /sponsors", s.ui(s.sponsorsPage)},
		{"POST /sponsors", s.uiWrite(s.createSponsorForm)},
		{"POST /sponsorships", s.uiWrite(s.createSponsorshipForm)},
		{"POST /sponsorships/{id}/charge", s.uiWrite(s.chargeForm)},
		{"GET /sponsorships/{id}", s.ui(s.sponsorshipPage)},
		{"GET /sponsorships/{id}/report.csv", s.ui(s.sponsorshipCSV)},
	}
}

// payHandler takes payments through the group-commit writer unless it is switched off.
func (s *Server) payHandler() http.Handler {
	if s.payer != nil {
		return s.api(s.apiPayGrouped)
	}
	return s.apiWrite(s.apiPay)
}

// RoutePatterns lists every route's pattern, for the route × role matrix test, which fails
// when a route has no row.
func (s *Server) RoutePatterns() []string {
	var out []string
	for _, rt := range s.routes() {
		out = append(out, rt.pattern)
	}
	return out
}
